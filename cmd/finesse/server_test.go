package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/rest"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/bosh"
	"github.com/finessed/finessed/xmpp/c2s"
	"github.com/finessed/finessed/xmpp/websocket"
)

// desktopTransports are the ways the subcommands' desktops connect
// (their -transport).
var desktopTransports = []string{"tcp", "websocket", "bosh"}

// liveServer is an in-process finessed on the demo directory with a test
// clock, started as cmd/finessed starts it: REST and the simulator, XMPP
// on TCP, WebSocket and BOSH, all on loopback. Everything it starts ends
// in t.Cleanup.
type liveServer struct {
	rest   string // http://host:port
	xmpp   string // host:port
	notify string // http://host:port, serving /ws and /http-bind
	eng    *acd.Engine
}

func startLiveServer(t *testing.T) liveServer {
	t.Helper()
	f, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := acd.NewDirectory(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Clock: acd.NewFakeClock(time.Now())})
	if err != nil {
		t.Fatal(err)
	}
	eng.Start()
	eng.StartQueueStats()
	eng.StartSweeper()
	svc := xmpp.NewService(eng, xmpp.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { svc.Run(ctx) })
	bh := &bosh.Handler{Service: svc}
	wg.Go(func() { bh.Run(ctx) })
	ln := listenLoopback(t)
	wg.Go(func() { (&c2s.Server{Service: svc}).Serve(ctx, ln) })
	notify := http.NewServeMux()
	notify.Handle("/ws", &websocket.Handler{Service: svc, Context: ctx})
	notify.Handle("/http-bind", bh)
	restSrv, restDone := serveHTTP(t, rest.New(eng, nil))
	notifySrv, notifyDone := serveHTTP(t, notify)
	t.Cleanup(func() {
		restSrv.Close()
		<-restDone
		cancel()
		wg.Wait()
		notifySrv.Close()
		<-notifyDone
		eng.Close()
	})
	return liveServer{rest: "http://" + restSrv.Addr, xmpp: ln.Addr().String(), notify: "http://" + notifySrv.Addr, eng: eng}
}

func listenLoopback(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// serveHTTP serves h on a loopback port; done is closed when Serve has
// returned (after Close).
func serveHTTP(t *testing.T, h http.Handler) (*http.Server, <-chan struct{}) {
	t.Helper()
	ln := listenLoopback(t)
	srv := &http.Server{Handler: h, Addr: ln.Addr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return srv, done
}

// flags are the target flags (bindTarget) that point a subcommand at s,
// its desktops connecting over transport.
func (s liveServer) flags(transport string) []string {
	return []string{
		"-rest", s.rest,
		"-xmpp", s.xmpp,
		"-ws", "ws" + strings.TrimPrefix(s.notify, "http") + "/ws",
		"-bosh", s.notify + "/http-bind",
		"-transport", transport,
	}
}

// put makes a Finesse API PUT as user (password finesse) and fails the
// test unless it is accepted (202).
func (s liveServer) put(t *testing.T, path, user, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, s.rest+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, "finesse")
	req.Header.Set("Content-Type", "application/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT %s: %v", path, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("PUT %s as %s: status %d, want 202", path, user, resp.StatusCode)
	}
}

// syncBuffer is an output a subcommand writes from its goroutine while the
// test reads it, and which says when a text first appears in it.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed and replaced on each write
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	close(s.written)
	s.written = make(chan struct{})
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the buffer holds text, or done is closed (the
// writer has returned), reporting whether it appeared.
func (s *syncBuffer) waitFor(text string, done <-chan struct{}) bool {
	for {
		s.mu.Lock()
		found, written := strings.Contains(s.b.String(), text), s.written
		s.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-written:
		case <-done:
			return strings.Contains(s.String(), text)
		}
	}
}
