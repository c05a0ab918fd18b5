package conformance

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/rest"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/bosh"
	"github.com/finessed/finessed/xmpp/c2s"
	"github.com/finessed/finessed/xmpp/websocket"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// transports are the ways a desktop connects, each a Target.Dial.
var transports = []string{"tcp", "websocket", "bosh"}

// server is an in-process finessed on the demo directory with a test
// clock: REST and the simulator, XMPP on TCP, WebSocket and BOSH, on
// loopback.
type server struct {
	rest, xmpp, notify string // base URL, host:port, base URL
}

func startServer(t *testing.T) server {
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
	// As cmd/finessed starts it, so timers run exactly as in the binary.
	eng.Start()
	eng.StartQueueStats()
	eng.StartSweeper()
	svc := xmpp.NewService(eng, xmpp.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{}, 3)
	go func() { svc.Run(ctx); done <- struct{}{} }()
	bh := &bosh.Handler{Service: svc}
	go func() { bh.Run(ctx); done <- struct{}{} }()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { (&c2s.Server{Service: svc}).Serve(ctx, ln); done <- struct{}{} }()
	notify := http.NewServeMux()
	notify.Handle("/ws", &websocket.Handler{Service: svc, Context: ctx})
	notify.Handle("/http-bind", bh)
	restSrv := listenHTTP(t, rest.New(eng, nil))
	notifySrv := listenHTTP(t, notify)
	t.Cleanup(func() {
		restSrv.Close()
		cancel()
		for range 3 {
			<-done
		}
		notifySrv.Close()
		eng.Close()
	})
	return server{rest: "http://" + restSrv.Addr, xmpp: ln.Addr().String(), notify: "http://" + notifySrv.Addr}
}

func listenHTTP(t *testing.T, h http.Handler) *http.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, Addr: ln.Addr().String()}
	go srv.Serve(ln)
	return srv
}

// target is s as a Target whose desktops connect over transport.
func (s server) target(transport string) Target {
	dial := func(ctx context.Context, user, password string) (Session, error) {
		switch transport {
		case "websocket":
			return xmpptest.DialWebSocket(ctx, "ws"+strings.TrimPrefix(s.notify, "http")+"/ws", "localhost", user, password)
		case "bosh":
			return xmpptest.DialBOSH(ctx, s.notify+"/http-bind", "localhost", user, password)
		}
		return xmpptest.DialTCP(ctx, s.xmpp, "localhost", user, password)
	}
	return Target{REST: s.rest, Dial: dial, Password: "finesse", Admin: "admin", Settle: 100 * time.Millisecond}
}
