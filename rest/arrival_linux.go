package rest

import (
	"errors"
	"io"
	"net"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"
)

// newArrivalConn wraps c; a TCP connection is read with recvmsg and the
// kernel's receive timestamp (SO_TIMESTAMPNS), which counts the time the
// request waited in the socket for the connection's goroutine to run.
func newArrivalConn(c net.Conn) *arrivalConn {
	a := &arrivalConn{Conn: c}
	if tc, ok := c.(*net.TCPConn); ok {
		a.stamp = kernelStamps(tc)
	}
	if a.stamp == nil {
		a.stamp = readNow(c)
	}
	return a
}

// kernelStamps is tc's stampReader by the kernel's receive timestamps, nil
// if the socket does not take the option.
func kernelStamps(tc *net.TCPConn) stampReader {
	rc, err := tc.SyscallConn()
	if err != nil {
		return nil
	}
	var serr error
	err = rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_TIMESTAMPNS, 1)
	})
	if err != nil || serr != nil {
		return nil
	}
	// One buffer for the connection: net/http never reads a connection
	// from two goroutines at once (its background read ends before the
	// next request is read).
	oob := make([]byte, unix.CmsgSpace(int(unsafe.Sizeof(unix.Timespec{}))))
	return func(b []byte) (int, int64, error) {
		var n, oobn int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			for {
				n, oobn, _, _, rerr = unix.Recvmsg(int(fd), b, oob, 0)
				if !errors.Is(rerr, unix.EINTR) {
					return !errors.Is(rerr, unix.EAGAIN)
				}
			}
		})
		if err == nil && rerr != nil {
			err = &net.OpError{Op: "read", Net: "tcp", Source: tc.LocalAddr(), Addr: tc.RemoteAddr(), Err: rerr}
		}
		if err != nil {
			return 0, 0, err
		}
		if n == 0 && len(b) > 0 {
			return 0, 0, io.EOF
		}
		return n, receivedAt(oob[:oobn]), nil
	}
}

// receivedAt is the SO_TIMESTAMPNS control message's time in Unix
// nanoseconds, or now when there is none.
// It reads the messages in place: a slice of them for every read of every
// request would be garbage on the hot path.
func receivedAt(oob []byte) int64 {
	for len(oob) > 0 {
		hdr, data, rest, err := unix.ParseOneSocketControlMessage(oob)
		if err != nil {
			break
		}
		if hdr.Level == unix.SOL_SOCKET && hdr.Type == unix.SCM_TIMESTAMPNS &&
			len(data) >= int(unsafe.Sizeof(unix.Timespec{})) {
			return (*unix.Timespec)(unsafe.Pointer(&data[0])).Nano()
		}
		oob = rest
	}
	return time.Now().UnixNano()
}
