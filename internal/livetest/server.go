package livetest

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/rest"
	"github.com/finessed/finessed/web"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/bosh"
	"github.com/finessed/finessed/xmpp/c2s"
	"github.com/finessed/finessed/xmpp/websocket"
)

// Server is a running in-process server.
type Server struct {
	REST   string // base URL of the REST API, the simulator and /desktop/
	XMPP   string // host:port of XMPP over TCP
	Notify string // base URL serving /ws, /http-bind and /tunnel/
	Engine *acd.Engine

	restSrv, notifySrv   *http.Server
	restDone, notifyDone <-chan struct{}
	run                  *fixture.Background
}

// WebSocketURL is where desktops connect over WebSocket.
func (s *Server) WebSocketURL() string { return "ws" + strings.TrimPrefix(s.Notify, "http") + "/ws" }

// BOSHURL is where desktops connect over BOSH.
func (s *Server) BOSHURL() string { return s.Notify + "/http-bind" }

// Start starts a server for tb and stops it in tb's cleanup.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := New()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("stopping the server: %v", err)
		}
	})
	return s
}

// New starts a server, the demo directory on a test clock, for code that
// has no test to tie it to (a runnable example). Close stops it.
func New() (*Server, error) {
	demo, err := config.Demo()
	if err != nil {
		return nil, err
	}
	eng, err := fixture.NewEngine(demo.Config, acd.NewFakeClock(time.Now()))
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		eng.Close()
		return nil, err
	}
	eng.Start()
	eng.StartQueueStats()
	eng.StartSweeper()
	svc := xmpp.NewService(eng, xmpp.Options{})
	s := &Server{Engine: eng, XMPP: ln.Addr().String(), run: fixture.NewBackground()}
	s.run.Go(svc.Run)
	bh := &bosh.Handler{Service: svc}
	s.run.Go(bh.Run)
	s.run.Go(func(ctx context.Context) error { return (&c2s.Server{Service: svc}).Serve(ctx, ln) })
	notify := http.NewServeMux()
	notify.Handle("/ws", &websocket.Handler{Service: svc, Context: s.run.Context()})
	notify.Handle("/http-bind", bh)
	notify.Handle("/tunnel/", web.Tunnel())
	api := http.NewServeMux()
	api.Handle("/", rest.New(eng, nil))
	api.Handle("/desktop/", web.Desktop())
	if s.restSrv, s.restDone, err = serve(api); err == nil {
		s.notifySrv, s.notifyDone, err = serve(notify)
	}
	if err != nil {
		s.Close()
		return nil, err
	}
	s.REST, s.Notify = "http://"+s.restSrv.Addr, "http://"+s.notifySrv.Addr
	return s, nil
}

// Close stops the server in cmd/finessed's shutdown order: REST, then the
// notification service and its transports, then the listener that held
// BOSH requests are answered on, and last the engine.
func (s *Server) Close() error {
	if s.restSrv != nil {
		s.restSrv.Close()
		<-s.restDone
	}
	err := s.run.Stop()
	if s.notifySrv != nil {
		s.notifySrv.Close()
		<-s.notifyDone
	}
	s.Engine.Close()
	return err
}

// serve serves h on a loopback port; done is closed once Serve returned.
func serve(h http.Handler) (*http.Server, <-chan struct{}, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: h, Addr: ln.Addr().String()}
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(ln)
	}()
	return srv, done, nil
}
