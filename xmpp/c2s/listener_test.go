package c2s_test

import (
	"context"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/xmpp/c2s"
)

// failingListener fails its first n accepts the way a process out of
// file descriptors does.
type failingListener struct {
	net.Listener
	n atomic.Int32
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.n.Add(-1) >= 0 {
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: syscall.EMFILE}
	}
	return l.Listener.Accept()
}

// failingForever is a loopback listener whose accepts fail until a test
// sets n to 0.
func failingForever(t *testing.T) *failingListener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fl := &failingListener{Listener: ln}
	fl.n.Store(1 << 30)
	return fl
}

// counter counts Inc calls where a test can read them.
type counter struct {
	prometheus.Counter
	n atomic.Int64
}

func (c *counter) Inc() { c.n.Add(1) }

// TestAcceptErrors: failed accepts are counted and retried, and the
// server then serves as before.
func TestAcceptErrors(t *testing.T) {
	errs := &counter{}
	h := start(t, options{
		server: func(s *c2s.Server) { s.AcceptErrors = errs },
		listener: func(ln net.Listener) net.Listener {
			fl := &failingListener{Listener: ln}
			fl.n.Store(4)
			return fl
		},
	})
	h.assertServing()
	if n := errs.n.Load(); n != 4 {
		t.Errorf("counted %d accept errors, want 4", n)
	}
}

// TestMaxConns: a connection past the cap is told policy-violation and
// closed, and counted; once one closes, there is room again.
func TestMaxConns(t *testing.T) {
	refused := &counter{}
	h := start(t, options{server: func(s *c2s.Server) { s.MaxConns, s.Refused = 2, refused }})
	first := dialRaw(t, h.addr)
	first.open()
	second := dialRaw(t, h.addr)
	second.open()

	third := dialRaw(t, h.addr)
	third.header()
	third.streamError("policy-violation")
	if n := refused.n.Load(); n != 1 {
		t.Errorf("counted %d refused, want 1", n)
	}

	// The first place is free once the server has seen the client go,
	// which it learns at its own pace: a newcomer may be refused until then.
	first.conn.Close()
	for {
		r := dialRaw(t, h.addr)
		r.send(streamHeader)
		r.header()
		s := r.next()
		if strings.HasPrefix(s, "<stream:features") {
			break
		}
		if !strings.Contains(s, "policy-violation") {
			t.Fatalf("want features or policy-violation, got %q", s)
		}
		r.end()
	}
}

// TestServeStopsDuringBackoff: cancelling the context ends Serve even
// while every accept fails.
func TestServeStopsDuringBackoff(t *testing.T) {
	fl := failingForever(t)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- (&c2s.Server{}).Serve(ctx, fl) }()
	cancel()
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve did not return while backing off")
	}
}

// TestFailingWhileAcceptsFail: a listener reports failing from the first
// failed accept of a run until it accepts a connection again, so that
// readiness can tell a listener that serves nobody.
func TestFailingWhileAcceptsFail(t *testing.T) {
	fl := failingForever(t)
	errs := &counter{}
	l := c2s.NewListener(fl, "test")
	l.Errors = errs
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		conn, _ := l.Accept()
		accepted <- conn
	}()
	for errs.n.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	if !l.Failing() {
		t.Fatal("not failing after a failed accept")
	}
	fl.n.Store(0)
	client, err := net.Dial("tcp", fl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	if conn := <-accepted; conn != nil {
		conn.Close()
	}
	if l.Failing() {
		t.Fatal("still failing once a connection was accepted")
	}
}
