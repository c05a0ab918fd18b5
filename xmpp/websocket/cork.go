package websocket

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"sync"
)

// corkConn holds back what the WebSocket library writes while a batch of
// stanzas is being framed, and sends it all in one write when the batch
// ends. The library flushes each message by itself, which would cost a
// system call per stanza on the fan-out path.
type corkConn struct {
	net.Conn
	mu      sync.Mutex // held across the socket write, so bytes keep their order
	corked  bool
	pending []byte
	// held is the rest of a frame a direct write began and the socket did
	// not take (direct.go): it goes before anything else written.
	held []byte
}

// Write implements net.Conn.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.corked {
		c.pending = append(c.pending, p...)
		return len(p), nil
	}
	if err := c.writeHeld(); err != nil {
		return 0, err
	}
	return c.Conn.Write(p)
}

// hold keeps what is left of parts after their first n bytes, for the
// next write. The caller holds mu.
func (c *corkConn) hold(parts [][]byte, n int) {
	for _, p := range parts {
		k := min(n, len(p))
		c.held = append(c.held, p[k:]...)
		n -= k
	}
}

// writeHeld writes the rest of a frame a direct write began. The caller
// holds mu.
func (c *corkConn) writeHeld() error {
	if len(c.held) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.held)
	c.held = nil
	return err
}

// cork starts holding writes back.
func (c *corkConn) cork() {
	c.mu.Lock()
	c.corked = true
	c.mu.Unlock()
}

// uncork writes what was held back and lets writes through again.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	if err := c.writeHeld(); err != nil {
		return err
	}
	if len(c.pending) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.pending)
	c.pending = c.pending[:0]
	if cap(c.pending) > maxKeptPending {
		c.pending = nil // a burst's buffer is not kept for an idle session
	}
	return err
}

// maxKeptPending is the largest write buffer a session keeps between
// batches.
const maxKeptPending = 16 << 10

// corkingWriter hands the WebSocket library a corkConn when it hijacks the
// connection, and keeps it for the session's framing.
type corkingWriter struct {
	http.ResponseWriter
	conn *corkConn
}

// Hijack implements http.Hijacker. The library writes through the returned
// buffered writer, so it must sit on the corkConn as well.
func (w *corkingWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	c, rw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	w.conn = &corkConn{Conn: c}
	return w.conn, bufio.NewReadWriter(rw.Reader, bufio.NewWriter(w.conn)), nil
}

// corkKey carries a request's corkingWriter to the session it upgrades to.
type corkKey struct{}

// corkOf is the corkConn under an upgraded request, or nil.
func corkOf(r *http.Request) *corkConn {
	if w, ok := r.Context().Value(corkKey{}).(*corkingWriter); ok {
		return w.conn
	}
	return nil
}

// withCorking wraps w and r so that the upgrade leaves a corkConn behind.
func withCorking(w http.ResponseWriter, r *http.Request) (http.ResponseWriter, *http.Request) {
	cw := &corkingWriter{ResponseWriter: w}
	return cw, r.WithContext(context.WithValue(r.Context(), corkKey{}, cw))
}
