package loadgen

import "bytes"

// requestIDOpen starts a requestId inside an escaped Update; the closing
// tag, &lt;/requestId&gt;, does not match it.
var requestIDOpen = []byte("&lt;requestId&gt;")

// scanRequestIDs reports each complete requestId in buf that is not empty
// (an Update no request caused carries an empty one) and returns what is
// left to scan (a possibly incomplete tail).
func scanRequestIDs(buf []byte, found func(string)) []byte {
	for {
		i := bytes.Index(buf, requestIDOpen)
		if i < 0 {
			keep := max(len(buf)-len(requestIDOpen), 0)
			return append(buf[:0], buf[keep:]...)
		}
		rest := buf[i+len(requestIDOpen):]
		j := bytes.IndexByte(rest, '&')
		if j < 0 {
			return append(buf[:0], buf[i:]...)
		}
		if j > 0 {
			found(string(rest[:j]))
		}
		buf = rest[j:]
	}
}
