//go:build !linux

package rest

import "net"

// newArrivalConn wraps c; without the kernel's receive timestamps the
// arrival is when a read returned, which leaves out the time the request
// waited in the socket.
func newArrivalConn(c net.Conn) *arrivalConn {
	return &arrivalConn{Conn: c, stamp: readNow(c)}
}
