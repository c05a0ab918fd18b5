package websocket

import (
	"encoding/binary"
	"syscall"

	"github.com/finessed/finessed/internal/writev"
	"github.com/finessed/finessed/xmpp"
)

// directFraming writes a batch's stanzas straight to a plain TCP socket as
// WebSocket messages (one unmasked text frame each, as the library frames
// them), without waiting: the hub, which queued them, writes them instead
// of waking the session's writer (xmpp.DirectWriter). The writes share the
// corkConn's lock with the library's, so frames never interleave; what the
// socket does not take of a frame it began is held in the corkConn, which
// writes it before anything else.
type directFraming struct {
	conn *corkConn
	rc   syscall.RawConn
}

// newDirect is the direct write of an upgraded connection, nil for one
// over TLS or not corked.
func newDirect(c *corkConn) xmpp.DirectWriter {
	if c == nil {
		return nil
	}
	rc := writev.Raw(c.Conn)
	if rc == nil {
		return nil
	}
	return &directFraming{conn: c, rc: rc}
}

// frame is one stanza as its message: header, then the stanza's parts.
type frame struct {
	parts [3][]byte
	size  int // the frame's bytes
	raw   int // the stanza's bytes
}

// TryWrite implements xmpp.DirectWriter.
func (d *directFraming) TryWrite(b *xmpp.Batch) (int, error) {
	frames := make([]frame, 0, b.Len())
	headers := make([]byte, 0, maxHeader*b.Len()) // never grown: the frames point into it
	b.Each(func(head, body []byte) {
		at := len(headers)
		headers = appendHeader(headers, len(head)+len(body))
		f := frame{parts: [3][]byte{headers[at:], head, body}, raw: len(head) + len(body)}
		f.size = len(f.parts[0]) + f.raw
		frames = append(frames, f)
	})
	bufs := make([][]byte, 0, 3*len(frames))
	for _, f := range frames {
		for _, p := range f.parts {
			if len(p) > 0 {
				bufs = append(bufs, p)
			}
		}
	}

	d.conn.mu.Lock()
	defer d.conn.mu.Unlock()
	if len(d.conn.held) > 0 {
		// Not reached while the writer has the batch that finishes it,
		// but a frame must never start inside another.
		return 0, xmpp.ErrHeld
	}
	n, err := writev.Try(d.rc, bufs)
	written := 0
	for _, f := range frames {
		if n >= f.size {
			n -= f.size
			written += f.raw
			continue
		}
		if n > 0 {
			d.conn.hold(f.parts[:], n)
			written += f.raw
			if err == nil {
				err = xmpp.ErrHeld
			}
		}
		break
	}
	return written, err
}

// maxHeader is the longest header of a server's frame: no mask, a 64-bit
// length.
const maxHeader = 10

// appendHeader appends the header of a final text frame of n bytes
// (RFC 6455 §5.2).
func appendHeader(b []byte, n int) []byte {
	const finText = 0x81
	switch {
	case n < 126:
		return append(b, finText, byte(n))
	case n <= 0xFFFF:
		return binary.BigEndian.AppendUint16(append(b, finText, 126), uint16(n))
	default:
		return binary.BigEndian.AppendUint64(append(b, finText, 127), uint64(n))
	}
}
