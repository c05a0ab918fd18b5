package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/finessed/finessed/acd/memstore"
)

// options are finessed's command-line settings.
type options struct {
	configFile  string
	restAddr    string
	restTLSAddr string
	boshAddr    string
	boshTLSAddr string
	xmppAddr    string
	maxConns    int // open connections on the XMPP TCP listener
	maxHTTPConn int // open connections on each HTTP listener
	// Zero takes the default of each, as the flags say.
	version     bool // print the version and exit
	bodyTimeout time.Duration
	maxBOSH     int // BOSH sessions open at once
	maxBOSHAddr int // BOSH sessions not yet signed in, per source address
	metricsAddr string
	pprofAddr   string
	redisURL    string
	// Sentinel: the sentinels' addresses and the master's name; -redis
	// then gives only credentials, database and TLS (rediss://).
	redisSentinels string
	redisMaster    string
	// sentinelAuth is user:password, or a password alone, for Sentinels
	// that require their own (-redis's go to the master and replicas).
	sentinelAuth string
	redisWait    int           // replicas a commit waits for (-1: the default)
	redisWaitFor time.Duration // how long it waits
	nodeID       string
	peer         string
	testClock    bool
	logLevel     slog.Level
	logFormat    string // text or json
	accessLog    bool   // a line for every REST request
	checkConfig  string // a config file to check, and exit
	eventLogMB   int    // the in-memory event log's bound, in MB (0: the default)
	gcHeadroomMB int    // the heap's growth between collections, in MB (0: Go's GOGC=100)
}

// eventLogBytes is the in-memory event log's bound.
func (o options) eventLogBytes() int64 {
	if o.eventLogMB <= 0 {
		return memstore.DefaultBytes
	}
	return int64(o.eventLogMB) << 20
}

// shared reports whether the nodes share their state in Redis.
func (o options) shared() bool { return o.redisURL != "" || o.redisSentinels != "" }

// waitReplicas is how many replicas a commit waits for: as asked, else
// one behind Sentinel (a failover promotes a replica, which must have what
// was acknowledged) and none on a plain Redis.
func (o options) waitReplicas() int {
	switch {
	case o.redisWait >= 0:
		return o.redisWait
	case o.redisSentinels != "":
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("finessed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.configFile, "config", "", "YAML config `file` (default: the embedded demo directory, whose passwords are published, so the listeners not given below default to 127.0.0.1)")
	fs.StringVar(&o.restAddr, "rest-addr", ":8082", "REST API over HTTP (empty: off)")
	fs.StringVar(&o.restTLSAddr, "rest-tls-addr", ":8445", "REST API over HTTPS (empty: off)")
	fs.StringVar(&o.boshAddr, "bosh-addr", ":7071", "BOSH and WebSocket over HTTP (empty: off)")
	fs.StringVar(&o.boshTLSAddr, "bosh-tls-addr", ":7443", "BOSH and WebSocket over HTTPS (empty: off)")
	fs.StringVar(&o.xmppAddr, "xmpp-addr", ":5222", "XMPP client connections over TCP (empty: off)")
	fs.IntVar(&o.maxConns, "max-conns", 10000, "most connections open at once on the XMPP TCP listener; more are refused with policy-violation (0: no cap)")
	fs.IntVar(&o.maxHTTPConn, "max-http-conns", 0, "most connections open at once on each HTTP listener; more are closed at once (0: no cap)")
	fs.DurationVar(&o.bodyTimeout, "body-timeout", defaultBodyTimeout, "longest a client may take to send a request and its body")
	fs.IntVar(&o.maxBOSH, "max-bosh-sessions", 50000, "most BOSH sessions open at once; more are refused with policy-violation (0: no cap)")
	fs.IntVar(&o.maxBOSHAddr, "max-bosh-unbound-per-addr", 1000, "most BOSH sessions from one address that have not yet signed in (0: no cap)")
	fs.StringVar(&o.metricsAddr, "metrics-addr", "", "serve /metrics, /healthz and /readyz here instead of on the REST listeners")
	fs.StringVar(&o.pprofAddr, "pprof-addr", "", "serve net/http/pprof here, for profiling (empty: off)")
	fs.IntVar(&o.eventLogMB, "event-log-mb", memstore.DefaultBytes>>20, "most memory, in MB, the in-memory event log keeps for replays to desktops that come back (estimated from its events' payloads; it keeps 100,000 events at most as well); without -redis")
	fs.IntVar(&o.gcHeadroomMB, "gc-headroom-mb", defaultGCHeadroomMB, "let the heap grow by at least this many MB past its live size between garbage collections, for fewer collections and a flat memory use (0: Go's default, GOGC=100; GOGC or GOMEMLIMIT in the environment overrides it)")
	fs.StringVar(&o.redisURL, "redis", "", "shared state in Redis, as redis://[user:password@]host:port/db or rediss:// for TLS (empty: in memory)")
	fs.StringVar(&o.sentinelAuth, "redis-sentinel-auth", os.Getenv("FINESSE_REDIS_SENTINEL_AUTH"), "`[user:]password` of Sentinels that require one of their own (default $FINESSE_REDIS_SENTINEL_AUTH, which keeps it off the command line)")
	fs.StringVar(&o.redisSentinels, "redis-sentinel", "", "find the Redis master through these Sentinels, `host:port[,host:port...]` (with -redis-master; -redis then gives credentials, db and TLS only)")
	fs.StringVar(&o.redisMaster, "redis-master", "", "the master's `name` the Sentinels watch")
	fs.IntVar(&o.redisWait, "redis-wait-replicas", -1, "replicas a change must reach before it is acknowledged (default: 1 with -redis-sentinel, else 0)")
	fs.DurationVar(&o.redisWaitFor, "redis-wait-timeout", 100*time.Millisecond, "how long a change waits for the replicas before it is refused with 503")
	fs.StringVar(&o.nodeID, "node-id", "", "this node's name among those sharing -redis (default: the host name)")
	fs.StringVar(&o.peer, "peer", "", "the failover peer's REST `host:port`, reported in SystemInfo (empty: none)")
	fs.BoolVar(&o.testClock, "test-clock", false, "run the ACD on a clock that POST /acd/Clock moves on, for conformance scenarios (never in production)")
	fs.TextVar(&o.logLevel, "log-level", slog.LevelInfo, "log `level`: debug, info, warn or error")
	fs.StringVar(&o.logFormat, "log-format", "text", "log lines as `text` (key=value) or json, one object a line, on stderr")
	fs.BoolVar(&o.accessLog, "access-log", false, "log a line for every REST request: method, path, route, status, time taken, remote address, requestId")
	fs.BoolVar(&o.version, "version", false, "print the version and the commit it was built from, and exit")
	fs.StringVar(&o.checkConfig, "check-config", "", "check the config `file` as -config would load it, print a one-line summary and exit (non-zero with the error)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	if fs.NArg() > 0 {
		return options{}, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	if o.configFile == "" {
		o.onLoopback(fs)
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return options{}, fmt.Errorf("-log-format %q: want text or json", o.logFormat)
	}
	if o.gcHeadroomMB < 0 {
		return options{}, fmt.Errorf("-gc-headroom-mb %d: want 0 or more", o.gcHeadroomMB)
	}
	if o.eventLogMB < 1 {
		return options{}, fmt.Errorf("-event-log-mb %d: want at least 1", o.eventLogMB)
	}
	if o.bodyTimeout <= 0 {
		// A body that may stall for ever is a connection held for ever.
		return options{}, fmt.Errorf("-body-timeout %v: want a positive duration", o.bodyTimeout)
	}
	return o, nil
}

// onLoopback moves the listeners whose address was not given onto
// loopback: the embedded demo directory's passwords are published, so it
// is served to this machine alone unless the operator names addresses.
func (o *options) onLoopback(fs *flag.FlagSet) {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for name, addr := range o.listenAddrs() {
		if !given[name] && strings.HasPrefix(*addr, ":") {
			*addr = loopbackHost + *addr
		}
	}
}

// loopbackHost is where the demo directory is served by default.
const loopbackHost = "127.0.0.1"

// listenAddrs are the listeners' address flags, by name.
func (o *options) listenAddrs() map[string]*string {
	return map[string]*string{
		"rest-addr": &o.restAddr, "rest-tls-addr": &o.restTLSAddr, "bosh-addr": &o.boshAddr,
		"bosh-tls-addr": &o.boshTLSAddr, "xmpp-addr": &o.xmppAddr, "metrics-addr": &o.metricsAddr, "pprof-addr": &o.pprofAddr,
	}
}

// exposed lists the listeners that serve beyond this machine ("-flag
// addr"), in the flags' order.
func (o *options) exposed() []string {
	var out []string
	for name, addr := range o.listenAddrs() {
		if *addr != "" && !isLoopback(*addr) {
			out = append(out, "-"+name+" "+*addr)
		}
	}
	slices.Sort(out)
	return out
}

// isLoopback reports whether addr's host is loopback only: localhost or a
// loopback IP, not empty or unspecified (every interface).
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultBodyTimeout is -body-timeout's default, also for a server whose
// options were not parsed from flags (tests build them by hand).
const defaultBodyTimeout = 30 * time.Second

// defaultGCHeadroomMB is -gc-headroom-mb's default: docs/performance.md
// ("Predictable latency (issue #24)") has the runs it was chosen from.
const defaultGCHeadroomMB = 192

// bodyLimit is how long a request and its body may take to arrive.
func (o options) bodyLimit() time.Duration {
	if o.bodyTimeout > 0 {
		return o.bodyTimeout
	}
	return defaultBodyTimeout
}
