package c2s

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Backoff after a failed accept, as net/http's: 5 ms doubling to 1 s.
const (
	minAcceptDelay = 5 * time.Millisecond
	maxAcceptDelay = time.Second
)

// Listener is a net.Listener whose Accept rides out failures and caps the
// connections open at once. Running out of file descriptors (EMFILE) makes
// accept fail until some connection closes; giving up then would leave
// the port bound with nobody accepting, so clients would hang. The HTTP
// listeners use it too, so that all of them are counted alike.
type Listener struct {
	net.Listener
	name string
	// Max caps the connections open at once; 0 is no cap. A connection
	// past the cap is handed to Refuse (when set) and closed.
	Max    int
	Refuse func(net.Conn)
	// Errors counts failed accepts and Refused the connections turned
	// away; either may be nil.
	Errors, Refused prometheus.Counter

	open      atomic.Int64
	failing   atomic.Bool
	closed    chan struct{}
	closeOnce sync.Once
}

// NewListener wraps ln; name labels its log lines.
func NewListener(ln net.Listener, name string) *Listener {
	return &Listener{Listener: ln, name: name, closed: make(chan struct{})}
}

// Accept returns the next connection under the cap. After a failure it
// waits and tries again, until the listener is closed, logging once per
// run of failures rather than once per failure.
func (l *Listener) Accept() (net.Conn, error) {
	var delay time.Duration
	failures := 0
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil, err
			}
			if failures == 0 {
				l.failing.Store(true)
				slog.Warn("accept failed; retrying with backoff", "listener", l.name, "err", err)
			}
			inc(l.Errors)
			failures++
			delay = min(max(2*delay, minAcceptDelay), maxAcceptDelay)
			select {
			case <-time.After(delay):
				continue
			case <-l.closed:
				return nil, net.ErrClosed
			}
		}
		if failures > 0 {
			l.failing.Store(false)
			slog.Info("accepting again", "listener", l.name, "failures", failures)
			failures, delay = 0, 0
		}
		if l.Max > 0 && l.open.Load() >= int64(l.Max) {
			inc(l.Refused)
			go l.refuse(conn)
			continue
		}
		l.open.Add(1)
		return &trackedConn{Conn: conn, l: l}, nil
	}
}

// refuse turns a connection away; Refuse bounds its own writes.
func (l *Listener) refuse(conn net.Conn) {
	if l.Refuse != nil {
		l.Refuse(conn)
	}
	conn.Close()
}

// Close closes the listener and ends a backoff in progress.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() { close(l.closed) })
	return l.Listener.Close()
}

// Failing reports whether accepting fails now: a run of failures (such as
// running out of file descriptors) that has not yet ended in a connection.
func (l *Listener) Failing() bool { return l.failing.Load() }

// Open is how many accepted connections are not closed yet.
func (l *Listener) Open() int { return int(l.open.Load()) }

func inc(c prometheus.Counter) {
	if c != nil {
		c.Inc()
	}
}

// trackedConn gives its place under the cap back when closed.
type trackedConn struct {
	net.Conn
	l    *Listener
	once sync.Once
}

func (c *trackedConn) Close() error {
	c.once.Do(func() { c.l.open.Add(-1) })
	return c.Conn.Close()
}

// NetConn is the connection c wraps, for a caller that looks through the
// wrappers (as tls.Conn's NetConn lets it).
func (c *trackedConn) NetConn() net.Conn { return c.Conn }

// WriteBuffers keeps a batch one writev: net.Buffers only takes that path
// for the net package's own connection types.
func (c *trackedConn) WriteBuffers(v *net.Buffers) (int64, error) {
	return v.WriteTo(c.Conn)
}
