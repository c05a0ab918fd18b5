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
func receivedAt(oob []byte) int64 {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err == nil {
		for _, m := range msgs {
			if m.Header.Level == unix.SOL_SOCKET && m.Header.Type == unix.SCM_TIMESTAMPNS &&
				len(m.Data) >= int(unsafe.Sizeof(unix.Timespec{})) {
				ts := (*unix.Timespec)(unsafe.Pointer(&m.Data[0]))
				return ts.Nano()
			}
		}
	}
	return time.Now().UnixNano()
}
