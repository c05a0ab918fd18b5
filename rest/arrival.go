package rest

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/finessed/finessed/internal/netconn"
)

// The first stage of a request's way, from its bytes reaching the machine
// to its handler starting, is time the server cannot see from inside a
// handler: the request waits in the socket until the connection's
// goroutine runs, then its headers are read and parsed. On a busy machine
// that wait, not the handler, is where a REST call's tail can be. An
// arrival listener's connections remember when the bytes of the request
// being read arrived (the kernel's receive timestamp on Linux, else the
// moment a read returned them), and count reports it as
// finesse_http_request_wait_seconds.

// TimeArrivals wraps ln so that the requests of its connections carry
// their arrival, for a server set up by KeepArrivals. Wrap
// the TCP listener itself, under any TLS: on a new TLS connection the
// arrival is then the handshake's first bytes, and its first request's
// wait includes the handshake.
func TimeArrivals(ln net.Listener) net.Listener { return arrivalListener{ln} }

// KeepArrivals sets srv up to serve a listener wrapped by TimeArrivals:
// each request can find its connection's arrival, and a connection back
// at rest forgets what was read while its last request was served (a slow
// body, or a request no handler of ours timed), so that it is not taken
// for the next request's arrival. It replaces srv's ConnContext and
// ConnState.
func KeepArrivals(srv *http.Server) {
	srv.ConnContext = func(ctx context.Context, c net.Conn) context.Context {
		if a := findArrivalConn(c); a != nil {
			return context.WithValue(ctx, arrivalKey{}, a)
		}
		return ctx
	}
	srv.ConnState = func(c net.Conn, st http.ConnState) {
		if st != http.StateIdle {
			return
		}
		if a := findArrivalConn(c); a != nil {
			a.first.Store(0)
		}
	}
}

type arrivalKey struct{}

type arrivalListener struct{ net.Listener }

func (l arrivalListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newArrivalConn(c), nil
}

// arrivalConn is a connection that stamps the first read of each request.
type arrivalConn struct {
	net.Conn
	stamp stampReader
	// first is when the oldest bytes read since the last request's handler
	// ended arrived, in Unix nanoseconds; 0 when none have been.
	first atomic.Int64
}

// stampReader reads into b and says when what it read arrived.
type stampReader func(b []byte) (n int, arrived int64, err error)

func (c *arrivalConn) Read(b []byte) (int, error) {
	n, at, err := c.stamp(b)
	if n > 0 {
		c.first.CompareAndSwap(0, at)
	}
	return n, err
}

// readNow is the portable stampReader: the arrival is when the read
// returned.
func readNow(c net.Conn) stampReader {
	return func(b []byte) (int, int64, error) {
		n, err := c.Read(b)
		return n, time.Now().UnixNano(), err
	}
}

// findArrivalConn is the arrival connection under c's wrappers, or nil.
func findArrivalConn(c net.Conn) *arrivalConn {
	a, _ := netconn.Under[*arrivalConn](c)
	return a
}

// arrivalOf is when r's first bytes arrived, zero if its connection keeps
// no arrivals or r is not HTTP/1 (an HTTP/2 connection carries many
// requests at once, so one stamp cannot be any one request's).
func arrivalOf(r *http.Request) time.Time {
	a, _ := r.Context().Value(arrivalKey{}).(*arrivalConn)
	if a == nil || r.ProtoMajor != 1 {
		return time.Time{}
	}
	if ns := a.first.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}
