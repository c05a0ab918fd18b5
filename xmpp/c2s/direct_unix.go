//go:build darwin || linux || openbsd

package c2s

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/negotiate"
)

// directWriter writes to a plain TCP connection's socket without waiting:
// one writev of what is queued, by whoever queued it (the hub, after its
// lock), instead of a wakeup of the session's writer goroutine for every
// notification. A full socket buffer leaves the rest to the writer, which
// waits for room as before.
type directWriter struct {
	rc syscall.RawConn
}

// iovMax is the most buffers one writev takes (IOV_MAX on Linux and the
// BSDs).
const iovMax = 1024

// newDirect is conn's direct writer, nil for a connection that is not a
// plain TCP socket (TLS after STARTTLS is written by the session's writer).
// It looks through the wrappers of this package's own (the stanza limit,
// the listener's count of open connections), never through TLS.
func newDirect(conn net.Conn) xmpp.DirectWriter {
	for {
		switch c := conn.(type) {
		case *negotiate.LimitConn:
			conn = c.Conn
			continue
		case *trackedConn:
			conn = c.Conn
			continue
		}
		break
	}
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return nil
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	return &directWriter{rc: rc}
}

// TryWrite implements xmpp.DirectWriter.
func (d *directWriter) TryWrite(bufs [][]byte) (int, error) {
	total := 0
	var werr error
	err := d.rc.Write(func(fd uintptr) bool {
		for len(bufs) > 0 {
			n, err := unix.Writev(int(fd), bufs[:min(len(bufs), iovMax)])
			if n > 0 {
				total += n
				bufs = consume(bufs, n)
			}
			switch {
			case errors.Is(err, unix.EINTR):
				continue
			case errors.Is(err, unix.EAGAIN):
				return true // full: the writer waits for room
			case err != nil:
				werr = err
				return true
			case n == 0:
				return true
			}
		}
		return true
	})
	if err != nil {
		return total, err
	}
	return total, werr
}

// consume drops n written bytes from the front of bufs.
func consume(bufs [][]byte, n int) [][]byte {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if len(bufs) > 0 && n > 0 {
		bufs[0] = bufs[0][n:]
	}
	return bufs
}
