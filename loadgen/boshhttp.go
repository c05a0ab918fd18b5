package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// boshHTTP posts a BOSH session's bodies over plain HTTP/1.1 connections
// of its own, each written and read by the goroutine that posts. On the
// machine under test the generator's CPU is CPU the server does not get,
// and net/http's client runs two goroutines a connection and wakes three
// for every exchange, which for a third of 2,200 desktops polling after
// each notification was most of what the generator did. A session has at
// most two requests in flight (a held poll and a send), so it keeps two
// connections.
type boshHTTP struct {
	addr, path string // host:port, and the request target
	host       string // the Host header
	idle       chan *boshConn
	closed     atomic.Bool // the session ended: connections are not kept
}

type boshConn struct {
	conn net.Conn
	r    *bufio.Reader
	w    *bufio.Writer
}

// boshTimeout bounds one exchange, as the net/http client's Timeout did:
// longer than a held request's wait.
const boshTimeout = 90 * time.Second

// newBOSHHTTP is the raw poster for rawURL, nil when it is not plain
// http:// (TLS and HTTP/2 stay with net/http).
func newBOSHHTTP(rawURL string) *boshHTTP {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil
	}
	addr := u.Host
	if u.Port() == "" {
		addr = net.JoinHostPort(u.Hostname(), "80")
	}
	return &boshHTTP{addr: addr, path: u.RequestURI(), host: u.Host, idle: make(chan *boshConn, 2)}
}

// post sends body and returns the response's body.
func (h *boshHTTP) post(ctx context.Context, body string) (string, error) {
	c, err := h.conn(ctx)
	if err != nil {
		return "", err
	}
	c.conn.SetDeadline(time.Now().Add(boshTimeout))
	stop := context.AfterFunc(ctx, func() { c.conn.SetDeadline(time.Now()) })
	data, keep, err := c.exchange(h, body)
	stop()
	if err != nil || !keep || h.closed.Load() {
		c.conn.Close()
	} else {
		c.conn.SetDeadline(time.Time{})
		select {
		case h.idle <- c:
		default:
			c.conn.Close()
		}
	}
	if err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return data, err
}

// conn is an idle connection, or a new one.
func (h *boshHTTP) conn(ctx context.Context) (*boshConn, error) {
	select {
	case c := <-h.idle:
		return c, nil
	default:
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", h.addr)
	if err != nil {
		return nil, err
	}
	return &boshConn{conn: conn, r: bufio.NewReader(conn), w: bufio.NewWriter(conn)}, nil
}

// exchange writes one POST and reads its response; keep is whether the
// connection may carry another.
func (c *boshConn) exchange(h *boshHTTP, body string) (data string, keep bool, err error) {
	fmt.Fprintf(c.w, "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: %d\r\n\r\n", h.path, h.host, len(body))
	c.w.WriteString(body)
	if err := c.w.Flush(); err != nil {
		return "", false, err
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return "", false, err
	}
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return "", false, err
	}
	if resp.StatusCode != http.StatusOK {
		return string(b), !resp.Close, fmt.Errorf("HTTP %s: %s", resp.Status, b)
	}
	return string(b), !resp.Close, nil
}

// close closes the idle connections, and the others as their exchanges
// end.
func (h *boshHTTP) close() {
	h.closed.Store(true)
	for {
		select {
		case c := <-h.idle:
			c.conn.Close()
		default:
			return
		}
	}
}
