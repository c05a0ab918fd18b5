package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/rest"
	"github.com/finessed/finessed/web"
	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/bosh"
	"github.com/finessed/finessed/xmpp/c2s"
	"github.com/finessed/finessed/xmpp/websocket"
)

// server is one finessed process: the engine, the notification service
// and their listeners.
type server struct {
	opts      options
	engine    *acd.Engine
	redis     io.Closer // the Redis client, when state is shared
	notify    *xmpp.Service
	bosh      *bosh.Handler
	registry  *prometheus.Registry
	cert      tls.Certificate
	listeners []*listener
	xmppAddr  string // bound address of the TCP XMPP listener, once started
	health    *health

	// acceptErrors and refused count, per listener, failed accepts and
	// connections turned away at the cap.
	acceptErrors, refused *prometheus.CounterVec
	// boshRefused and boshExpired count BOSH sessions refused at a cap
	// and ended before signing in.
	boshRefused, boshExpired prometheus.Counter

	// ctx ends the notification service and its transports at shutdown.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// listener is one HTTP listener; addr is its bound address once started.
// A notify listener carries BOSH and WebSocket sessions.
type listener struct {
	name    string
	addr    string
	tls     bool
	notify  bool
	handler http.Handler
	http    *http.Server
}

// timesArrivals says whether l's requests are timed from their arrival
// (rest.TimeArrivals): the API's listeners, whose wait before a handler
// runs is the first stage of a state change.
func (l *listener) timesArrivals() bool { return l.name == "rest" || l.name == "rest-tls" }

// shutdownGrace bounds how long in-flight requests may take to finish.
const shutdownGrace = 10 * time.Second

func newServer(opts options) (*server, error) {
	file, err := loadConfig(opts)
	if err != nil {
		return nil, err
	}
	dir, err := directory.NewDirectory(file.Config)
	if err != nil {
		return nil, err
	}
	reg := prometheus.NewRegistry()
	engineOpts := acd.Options{Directory: dir, NodeID: opts.nodeID, Node: thisNode(opts), Peer: opts.peer, ObserveCommit: commitHistogram(reg)}
	if opts.testClock {
		slog.Warn("-test-clock: time stands still until POST /acd/Clock moves it")
		engineOpts.Clock = acd.NewFakeClock(time.Now())
	}
	var rdb io.Closer
	if opts.shared() {
		client, err := useRedis(&engineOpts, opts, reg)
		if err != nil {
			return nil, err
		}
		rdb = client
	} else {
		mem := memstore.NewLimited(engineOpts.Clock, memstore.Limits{Events: memstore.DefaultRetain, Bytes: opts.eventLogBytes()})
		engineOpts.Store, engineOpts.Log = mem, mem.Log()
		registerLogSize(reg, mem.Log())
	}
	engine, err := acd.NewEngine(engineOpts)
	if err != nil {
		return nil, err
	}
	s := &server{opts: opts, engine: engine, redis: rdb, registry: reg, health: &health{inService: engine.InService}}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.acceptErrors = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "finesse_accept_errors_total",
		Help: "Failed accepts on a listener (such as running out of file descriptors), each retried after a backoff.",
	}, []string{"listener"})
	s.refused = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "finesse_connections_refused_total",
		Help: "Connections closed as soon as accepted because the listener had its maximum open.",
	}, []string{"listener"})
	s.registry.MustRegister(s.acceptErrors, s.refused)
	s.boshRefused = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "finesse_bosh_sessions_refused_total",
		Help: "BOSH sessions refused at -max-bosh-sessions or -max-bosh-unbound-per-addr.",
	})
	s.boshExpired = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "finesse_bosh_negotiation_timeouts_total",
		Help: "BOSH sessions ended for not signing in and binding within 30 s.",
	})
	s.registry.MustRegister(s.boshRefused, s.boshExpired)
	s.notify = xmpp.NewService(engine, xmpp.Options{Registerer: s.registry})
	s.registry.MustRegister(newStateGauges(engine, engineOpts.Store, s.notify, cmp.Or(engineOpts.NodeID, "local")))
	if opts.restTLSAddr != "" || opts.boshTLSAddr != "" || opts.xmppAddr != "" {
		if s.cert, err = certificate(file.TLS); err != nil {
			return nil, err
		}
	}
	s.addListeners()
	return s, nil
}

func loadConfig(opts options) (config.File, error) {
	if opts.configFile != "" {
		return config.Load(opts.configFile)
	}
	if exposed := opts.exposed(); len(exposed) > 0 {
		slog.Warn("no -config given: serving the embedded demo directory, whose passwords are published, beyond this machine",
			"listeners", strings.Join(exposed, ", "))
	} else {
		slog.Info("no -config given: serving the embedded demo directory on loopback only, since its passwords are published; " +
			"give -config, or the listen addresses, to serve elsewhere")
	}
	return config.Demo()
}

// addListeners wires the handlers to the configured addresses.
func (s *server) addListeners() {
	// The REST listeners also serve the browser desktop, which talks to
	// the API from the same origin.
	api := rest.New(s.engine, s.registry)
	if s.opts.accessLog {
		api.LogRequests(slog.Default())
	}
	site := http.NewServeMux()
	site.Handle("/", api)
	site.Handle("/desktop/", web.Desktop())
	ops := http.NewServeMux()
	ops.Handle("/metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))
	ops.HandleFunc("/healthz", s.health.serveLive)
	ops.HandleFunc("/readyz", s.health.serveReady)

	restHandler := http.Handler(site)
	if s.opts.metricsAddr == "" {
		ops.Handle("/", site)
		restHandler = ops
	} else {
		s.add("metrics", s.opts.metricsAddr, false, ops)
	}
	s.add("rest", s.opts.restAddr, false, restHandler)
	s.add("rest-tls", s.opts.restTLSAddr, true, restHandler)
	notify := http.NewServeMux()
	ws := &websocket.Handler{Service: s.notify, Context: s.ctx}
	notify.Handle("/ws", ws)
	notify.Handle("/ws/", ws)
	s.bosh = &bosh.Handler{
		Service:              s.notify,
		MaxSessions:          s.opts.maxBOSH,
		MaxUnboundPerAddress: s.opts.maxBOSHAddr,
		BodyTimeout:          s.opts.bodyLimit(),
		Refused:              s.boshRefused,
		Expired:              s.boshExpired,
	}
	notify.Handle("/http-bind", s.bosh)
	notify.Handle("/http-bind/", s.bosh)
	// The event tunnel a gadget container loads, beside the transports it
	// connects over.
	notify.Handle("/tunnel/", web.Tunnel())
	s.add("pprof", s.opts.pprofAddr, false, pprofMux())
	bounded := bodyDeadline(notify, s.opts.bodyLimit())
	s.add("bosh", s.opts.boshAddr, false, bounded)
	s.add("bosh-tls", s.opts.boshTLSAddr, true, bounded)
}

// bodyDeadline gives every request on a notification listener d to send
// its body: the listener has no ReadTimeout (a BOSH request is held), and
// net/http reads what a handler left unread before answering, so a
// stalled body on any path but BOSH's would hold its connection for ever.
// BOSH lifts the deadline once it has its body; a WebSocket sets its own
// on the connection it takes over.
func bodyDeadline(h http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		h.ServeHTTP(w, r)
	})
}

func (s *server) add(name, addr string, useTLS bool, h http.Handler) {
	if addr == "" {
		return
	}
	notify := name == "bosh" || name == "bosh-tls"
	s.listeners = append(s.listeners, &listener{name: name, addr: addr, tls: useTLS, notify: notify, handler: h})
}

// start binds every listener, then serves them in the background. It binds
// all before serving any, so that a port in use fails the start cleanly.
func (s *server) start() error {
	var xmppLn net.Listener
	if s.opts.xmppAddr != "" {
		ln, err := net.Listen("tcp", s.opts.xmppAddr)
		if err != nil {
			return fmt.Errorf("listen xmpp on %s: %w", s.opts.xmppAddr, err)
		}
		xmppLn, s.xmppAddr = ln, ln.Addr().String()
	}
	// The heartbeat first clears up after this node's last run, which
	// must happen before any desktop of this run connects.
	s.engine.Start()
	if err := s.startHTTP(); err != nil {
		if xmppLn != nil {
			xmppLn.Close()
		}
		return err
	}
	s.engine.StartQueueStats()
	s.engine.StartSweeper()
	s.goRun("notification service", func() error { return s.notify.Run(s.ctx) })
	s.goRun("bosh", func() error { s.bosh.Run(s.ctx); return nil })
	if xmppLn != nil {
		c2sServer := &c2s.Server{
			Service: s.notify, TLS: s.tlsConfig(), MaxConns: s.opts.maxConns,
			AcceptErrors: s.acceptErrors.WithLabelValues("xmpp"), Refused: s.refused.WithLabelValues("xmpp"),
		}
		s.health.accepting = append(s.health.accepting, acceptor{"xmpp", c2sServer})
		s.goRun("xmpp listener", func() error { return c2sServer.Serve(s.ctx, xmppLn) })
		slog.Info("listening", "listener", "xmpp", "addr", s.xmppAddr, "starttls", true)
	}
	s.health.started.Store(true)
	return nil
}

// goRun runs f in a goroutine that shutdown waits for.
func (s *server) goRun(name string, f func() error) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := f(); err != nil {
			slog.Error(name+" stopped", "err", err)
			s.health.stop(name, err)
		}
	}()
}

func (s *server) tlsConfig() *tls.Config { return serverTLSConfig(s.cert) }

// startHTTP binds and serves the HTTP listeners.
func (s *server) startHTTP() error {
	var bound []net.Listener
	for _, l := range s.listeners {
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			for _, b := range bound {
				b.Close()
			}
			return fmt.Errorf("listen %s on %s: %w", l.name, l.addr, err)
		}
		if l.timesArrivals() {
			ln = rest.TimeArrivals(ln)
		}
		// net/http retries a failed accept itself, but logs every failure
		// and counts none; the wrapper retries first, counts, logs once a
		// run, and caps the connections (under TLS, before the handshake).
		cl := c2s.NewListener(ln, l.name)
		cl.Max, cl.Errors, cl.Refused = s.opts.maxHTTPConn, s.acceptErrors.WithLabelValues(l.name), s.refused.WithLabelValues(l.name)
		s.health.accepting = append(s.health.accepting, acceptor{l.name, cl})
		ln = cl
		if l.tls {
			ln = tls.NewListener(ln, s.tlsConfig())
		}
		bound = append(bound, ln)
		l.addr = ln.Addr().String()
	}
	for i, l := range s.listeners {
		l.http = &http.Server{Handler: l.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
		if l.timesArrivals() {
			rest.KeepArrivals(l.http)
		}
		switch {
		case l.notify:
			// No ReadTimeout: it would also cancel a BOSH request held
			// for up to its wait. The BOSH handler bounds each body
			// itself, and WebSocket negotiation has its own deadline.
			if !l.tls {
				l.http.Protocols, l.http.HTTP2 = boshOverH2C()
			}
		case l.name != "pprof": // a CPU profile takes its seconds
			l.http.ReadTimeout = s.opts.bodyLimit()
		}
		go s.serve(l, bound[i])
		slog.Info("listening", "listener", l.name, "addr", l.addr, "tls", l.tls)
	}
	return nil
}

// boshOverH2C lets a cleartext notification listener speak HTTP/2 with
// prior knowledge beside HTTP/1.1. A held BOSH request then costs a stream
// instead of a connection, which is what lets one node (and one load
// generator) carry tens of thousands of BOSH sessions under an open-file
// limit, and what a proxy in front of the desktops can use.
func boshOverH2C() (*http.Protocols, *http.HTTP2Config) {
	var p http.Protocols
	p.SetHTTP1(true)
	p.SetUnencryptedHTTP2(true)
	return &p, &http.HTTP2Config{MaxConcurrentStreams: maxBOSHStreams}
}

// maxBOSHStreams is how many requests one HTTP/2 connection may have open:
// a BOSH session holds one or two at a time.
const maxBOSHStreams = 1000

// serve runs one listener until shutdown closes it.
func (s *server) serve(l *listener, ln net.Listener) {
	if err := l.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		slog.Error("listener failed", "listener", l.name, "err", err)
		s.health.stop(l.name, err)
	}
}

// shutdown stops the REST listeners, then tells every desktop the service
// is going away, then stops the notification listeners. That order lets
// held BOSH requests be answered with the terminate instead of making the
// shutdown wait out BOSH's wait.
func (s *server) shutdown(ctx context.Context) error {
	s.health.stopping.Store(true)
	ctx, cancel := context.WithTimeout(ctx, shutdownGrace)
	defer cancel()
	var errs []error
	stop := func(notify bool) {
		for _, l := range s.listeners {
			if l.http != nil && l.notify == notify {
				errs = append(errs, l.http.Shutdown(ctx))
			}
		}
	}
	stop(false)
	s.cancel()
	s.wg.Wait()
	stop(true)
	s.engine.Close()
	if s.redis != nil {
		errs = append(errs, s.redis.Close())
	}
	return errors.Join(errs...)
}

// thisNode is how SystemInfo describes this node.
func thisNode(opts options) model.NodeInfo {
	host, _ := os.Hostname()
	return model.NodeInfo{
		Host:           host,
		HTTPSPort:      port(opts.restTLSAddr),
		XMPPPort:       port(opts.xmppAddr),
		XMPPSecurePort: "",
	}
}

func port(addr string) string {
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	return p
}

// pprofMux serves the runtime profiles, on a listener of its own so that
// they are never exposed on the API's ports by accident.
func pprofMux() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
