// Package netconn finds a connection of a given type under the wrappers
// of a net.Conn: the listeners' own, the stanza limit, TLS. Each names the
// connection it wraps with NetConn, as *tls.Conn does.
package netconn

import "net"

// wrapper is a connection that names the one it wraps.
type wrapper interface{ NetConn() net.Conn }

// Under is the first connection of type T in c and what c wraps, looking
// through every wrapper that names what it wraps.
func Under[T net.Conn](c net.Conn) (T, bool) {
	for c != nil {
		if t, ok := c.(T); ok {
			return t, true
		}
		w, ok := c.(wrapper)
		if !ok {
			break
		}
		c = w.NetConn()
	}
	var zero T
	return zero, false
}
