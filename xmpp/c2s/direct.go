package c2s

import (
	"net"
	"syscall"

	"github.com/finessed/finessed/internal/writev"
	"github.com/finessed/finessed/xmpp"
)

// directWriter writes to a plain TCP connection's socket without waiting:
// one writev of what is queued, by whoever queued it (the hub, after its
// lock), instead of a wakeup of the session's writer goroutine for every
// notification. A full socket buffer leaves the rest to the writer, which
// waits for room as before.
type directWriter struct {
	rc syscall.RawConn
}

// newDirect is conn's direct writer, nil for a connection that is not a
// plain TCP socket (TLS after STARTTLS is written by the session's writer).
func newDirect(conn net.Conn) xmpp.DirectWriter {
	rc := writev.Raw(conn)
	if rc == nil {
		return nil
	}
	return &directWriter{rc: rc}
}

// TryWrite implements xmpp.DirectWriter: on TCP the stanzas' bytes are the
// stream's.
func (d *directWriter) TryWrite(b *xmpp.Batch) (int, error) {
	return writev.Try(d.rc, b.Buffers())
}
