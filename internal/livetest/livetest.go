// Package livetest starts an in-process finessed for tests that speak to
// it over the wire, as a desktop or a script would: the demo directory on
// a test clock, REST and the simulator, and XMPP over TCP, WebSocket and
// BOSH, all on loopback ports, started in the order cmd/finessed starts
// them. Everything it starts ends when the test does.
package livetest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/rest"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/bosh"
	"github.com/finessed/finessed/xmpp/c2s"
	"github.com/finessed/finessed/xmpp/websocket"
)

// Server is a running in-process server.
type Server struct {
	REST   string // base URL of the REST API and the simulator
	XMPP   string // host:port of XMPP over TCP
	Notify string // base URL serving /ws and /http-bind
	Engine *acd.Engine
}

// WebSocketURL is where desktops connect over WebSocket.
func (s *Server) WebSocketURL() string { return "ws" + strings.TrimPrefix(s.Notify, "http") + "/ws" }

// BOSHURL is where desktops connect over BOSH.
func (s *Server) BOSHURL() string { return s.Notify + "/http-bind" }

// Start starts a server for tb and stops it in tb's cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	f, err := config.Demo()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := directory.NewDirectory(f.Config)
	if err != nil {
		tb.Fatal(err)
	}
	clock := acd.NewFakeClock(time.Now())
	mem := memstore.New(clock, memstore.DefaultRetain)
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Clock: clock, Store: mem, Log: mem.Log()})
	if err != nil {
		tb.Fatal(err)
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
	ln := listen(tb)
	wg.Go(func() { (&c2s.Server{Service: svc}).Serve(ctx, ln) })
	notify := http.NewServeMux()
	notify.Handle("/ws", &websocket.Handler{Service: svc, Context: ctx})
	notify.Handle("/http-bind", bh)
	restSrv, restDone := serve(tb, rest.New(eng, nil))
	notifySrv, notifyDone := serve(tb, notify)
	tb.Cleanup(func() {
		restSrv.Close()
		<-restDone
		cancel()
		wg.Wait()
		notifySrv.Close()
		<-notifyDone
		eng.Close()
	})
	return &Server{REST: "http://" + restSrv.Addr, XMPP: ln.Addr().String(), Notify: "http://" + notifySrv.Addr, Engine: eng}
}

func listen(tb testing.TB) net.Listener {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	return ln
}

// serve serves h on a loopback port; done is closed once Serve returned.
func serve(tb testing.TB, h http.Handler) (*http.Server, <-chan struct{}) {
	tb.Helper()
	ln := listen(tb)
	srv := &http.Server{Handler: h, Addr: ln.Addr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return srv, done
}
