package livetest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/internal/fixture"
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
	eng := fixture.Engine(tb, fixture.Demo(tb), acd.NewFakeClock(time.Now()))
	eng.Start()
	eng.StartQueueStats()
	eng.StartSweeper()
	svc := xmpp.NewService(eng, xmpp.Options{})
	run := fixture.Go(tb, svc.Run)
	bh := &bosh.Handler{Service: svc}
	run.Go(bh.Run)
	ln := listen(tb)
	run.Go(func(ctx context.Context) error { return (&c2s.Server{Service: svc}).Serve(ctx, ln) })
	notify := http.NewServeMux()
	notify.Handle("/ws", &websocket.Handler{Service: svc, Context: run.Context()})
	notify.Handle("/http-bind", bh)
	restSrv, restDone := serve(tb, rest.New(eng, nil))
	notifySrv, notifyDone := serve(tb, notify)
	// In cmd/finessed's shutdown order: REST, then the notification
	// service and its transports, then the listener that held BOSH
	// requests are answered on.
	tb.Cleanup(func() {
		restSrv.Close()
		<-restDone
		if err := run.Stop(); err != nil {
			tb.Errorf("stopping XMPP: %v", err)
		}
		notifySrv.Close()
		<-notifyDone
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
