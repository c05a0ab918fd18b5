//go:build darwin || linux || openbsd

package writev

import (
	"crypto/tls"
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// iovMax is the most buffers one writev takes (IOV_MAX on Linux and the
// BSDs).
const iovMax = 1024

// Raw is the socket under conn for Try, nil when conn is not a plain TCP
// connection. It looks through wrappers that name what they wrap
// (NetConn, as the listeners' own do), never through TLS, whose records
// only the TLS connection may write.
func Raw(conn net.Conn) syscall.RawConn {
	for {
		switch c := conn.(type) {
		case *net.TCPConn:
			rc, err := c.SyscallConn()
			if err != nil {
				return nil
			}
			return rc
		case *tls.Conn:
			return nil
		case interface{ NetConn() net.Conn }:
			conn = c.NetConn()
		default:
			return nil
		}
	}
}

// Try writes what the socket takes at once of bufs, in order, and returns
// how many bytes that was: fewer than all when its buffer is full. err is
// for a connection that failed, not for a full buffer. bufs' slices may
// be changed.
func Try(rc syscall.RawConn, bufs [][]byte) (int, error) {
	total := 0
	var werr error
	err := rc.Write(func(fd uintptr) bool {
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
				return true // full: the caller's writer waits for room
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
