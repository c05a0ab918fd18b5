package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/loadgen"
)

// loadFlags are finesse load's flags, before they become a loadgen.Config.
type loadFlags struct {
	cfg                   loadgen.Config
	transport             string
	sessions              int
	subscriber, team      string
	agents                string
	configFile            string
	desktops, supervisors int
	serverPID             int
	insecure              bool
	publish               loadgen.PublishSpec
	userPrefix            string
	queues                string
	metrics               string
	pin                   string
	cpuProfile            string
}

// runLoad drives a running server and prints what it delivered; it fails
// when any notification was lost.
func runLoad(args []string, stdout, stderr io.Writer) error {
	f, err := parseLoad(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	cfg, err := f.config()
	if err != nil {
		return err
	}
	if f.pin != "" {
		if err := pinTo(f.pin); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "generator: on CPUs %s (GOMAXPROCS %d)\n", f.pin, runtime.GOMAXPROCS(0))
	}
	if note := f.serverNote(cfg); note != "" {
		fmt.Fprintln(stderr, note)
	}
	if f.cpuProfile != "" {
		stopProfile, err := profileCPU(f.cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	res, err := loadgen.Run(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	res.WriteTable(stdout)
	if len(res.Lost) > 0 {
		return fmt.Errorf("%d notifications lost", len(res.Lost))
	}
	return nil
}

func parseLoad(args []string, stderr io.Writer) (loadFlags, error) {
	var f loadFlags
	c := &f.cfg
	fs := newFlagSet("load", "[flags]", `Without -config: -sessions sessions of -subscriber watch team -team's node
while -agents change state. With -config (a finesse gen-config file):
-desktops agents each connect their own session and change state, and
-supervisors supervisors watch their teams' nodes.

With -publish-node (publisher mode, for measuring another XMPP server such
as Prosody or ejabberd the same way): user -publisher publishes items to
that node on -publish-service over -xmpp at -rate a second, each carrying
a User Update's escaped text with the requestId load-N, and -sessions
users -user-prefix0001, -user-prefix0002, ... each subscribe one session
to it (by bare JID); -register registers them in-band first. No REST.
Example, against Prosody on its default ports:

  finesse load -publish-node /finesse/api/Team/1/Users -password secret \
    -xmpp 127.0.0.1:5222 -bosh http://127.0.0.1:5280/http-bind \
    -transport tcp -sessions 1000 -rate 5 -d 20s -drain 30s
`, stderr)
	bindREST(fs, &c.REST)
	bindInsecure(fs, &f.insecure)
	bindStartTLS(fs, &c.StartTLS)
	fs.StringVar(&c.XMPP, "xmpp", "127.0.0.1:5222", "the server's XMPP TCP `address`")
	fs.StringVar(&c.BOSH, "bosh", "http://127.0.0.1:7071/http-bind", "the server's BOSH `URL`")
	fs.BoolVar(&c.BOSHOverH2C, "bosh-h2c", false, "BOSH over cleartext HTTP/2 (prior knowledge): many sessions share a connection, for more sessions than open files")
	fs.StringVar(&c.WebSocket, "ws", "ws://127.0.0.1:7071/ws", "the server's WebSocket `URL`")
	fs.StringVar(&c.Domain, "domain", "localhost", "the XMPP domain")
	fs.StringVar(&c.Password, "password", "finesse", "password of every user")
	fs.Float64Var(&c.Rate, "rate", 100, "state changes per second, in total")
	fs.DurationVar(&c.Duration, "d", 10*time.Second, "how long to change states")
	fs.DurationVar(&c.Drain, "drain", 10*time.Second, "how long to wait for the last notifications")
	fs.StringVar(&f.transport, "transport", "tcp", "how sessions connect: tcp, bosh, websocket, or mix (each in turn)")
	fs.IntVar(&f.sessions, "sessions", 1, "without -config: subscriber sessions watching the team node")
	fs.StringVar(&f.subscriber, "subscriber", "2001", "without -config: the supervisor whose sessions watch (one session per resource)")
	fs.StringVar(&f.team, "team", "10", "without -config: the team whose Users node the sessions watch")
	fs.StringVar(&f.agents, "agents", "1001,1002,1003,1004,1005", "without -config: agents of the team that change state, comma-separated")
	fs.StringVar(&f.configFile, "config", "", "the server's config `file`, for the desktops shape")
	fs.IntVar(&f.desktops, "desktops", 100, "with -config: agents that connect and change state")
	fs.IntVar(&f.supervisors, "supervisors", 10, "with -config: supervisors whose sessions watch their teams")
	fs.StringVar(&f.publish.Node, "publish-node", "", "publisher mode: the pubsub `node` to publish to (created when missing)")
	fs.StringVar(&f.publish.Service, "publish-service", "", "publisher mode: the pubsub service's `JID` (default pubsub.DOMAIN)")
	fs.StringVar(&f.publish.Publisher, "publisher", "publisher", "publisher mode: the `user` who publishes")
	fs.StringVar(&f.userPrefix, "user-prefix", "load", "publisher mode: subscriber users are this `prefix` and a 4-digit number from 0001")
	fs.BoolVar(&f.publish.Register, "register", false, "publisher mode: register the publisher and subscribers in-band (XEP-0077) first")
	fs.Float64Var(&f.cfg.Calls.Rate, "calls", 0, "customer calls a second brought into the queues, each answered, held, retrieved and dropped by its agent (0: none)")
	fs.StringVar(&f.queues, "queues", "", "the queues calls go to, comma-separated (default: 100 without -config; with it, the queues of the agents that run)")
	fs.DurationVar(&f.cfg.Calls.Step, "call-step", 200*time.Millisecond, "time between one action on a call and the next")
	fs.StringVar(&f.cfg.Calls.Admin, "admin", "admin", "the user who brings calls in through the simulator (/acd/)")
	fs.IntVar(&f.cfg.ConnectThenChange, "connect-then-change", 0, "instead of a steady run: this many new desktops in a row, each sending its initial presence and at once PUTting a state change of its agent, each owed that change's notification within -drain")
	fs.DurationVar(&f.cfg.Reconnect, "reconnect", 0, "send one session away every `interval`, the sessions in turn; it comes back under the same resource after -away and is owed what it missed (0: none)")
	fs.DurationVar(&f.cfg.Away, "away", 3*time.Second, "with -reconnect: how long a session stays away")
	fs.DurationVar(&f.cfg.Sample, "sample", 0, "read the server's RSS, goroutines and open descriptors every `interval` during the run, for a soak (0: never)")
	fs.StringVar(&f.metrics, "metrics", "", "the server's /metrics `URL`, read before and after the drive for each stage's p50/p99 over the run (default: -rest's /metrics, where finessed serves it unless -metrics-addr moves it; off: none)")
	fs.StringVar(&f.pin, "pin", "", "run the generator on these `CPUs` only (as taskset -c takes them: 1, 0,2, 2-3), with the server started under taskset -c on the others, so that a figure says whose time it is (Linux)")
	fs.StringVar(&f.cpuProfile, "cpuprofile", "", "write the generator's own CPU profile to `file` (go tool pprof reads it), to see what of a figure is the generator's")
	fs.IntVar(&f.serverPID, "server-pid", -1, "the server's `pid`, for its memory and CPU (default: the process here that listens on -rest's port, or -xmpp's in publisher mode, when on loopback; 0: none)")
	return f, fs.Parse(args)
}

// config turns the flags into a run: the team-watch shape, or the
// desktops shape read from a config file.
func (f loadFlags) config() (loadgen.Config, error) {
	c := f.cfg
	c.TLS = tlsConfig(f.insecure)
	c.ServerPID = f.serverPID
	c.Metrics = f.metricsURL()
	switch {
	case c.ServerPID > 0:
		if _, err := os.Stat("/proc/" + strconv.Itoa(c.ServerPID) + "/stat"); err != nil {
			return c, fmt.Errorf("-server-pid %d: no such process on this machine", c.ServerPID)
		}
	case c.ServerPID < 0:
		c.ServerPID = 0
		if host, port := f.serverAddr(); isLoopback(host) {
			c.ServerPID = loadgen.ListenerPID(port)
		}
	}
	if f.transport != "mix" && !slices.Contains(loadgen.Transports, f.transport) {
		return c, fmt.Errorf("-transport %q: want tcp, bosh, websocket or mix", f.transport)
	}
	if f.publish.Node != "" {
		return f.publishShape(c)
	}
	if f.configFile != "" {
		return f.desktopsShape(c)
	}
	if f.sessions < 1 {
		return c, errors.New("-sessions must be at least 1")
	}
	node := loadgen.TeamNode(f.team)
	for i := range f.sessions {
		c.Sessions = append(c.Sessions, loadgen.SessionSpec{User: f.subscriber, Transport: f.transportOf(i), Subscribe: []string{node}})
	}
	for i, a := range strings.Split(f.agents, ",") {
		c.Agents = append(c.Agents, loadgen.AgentSpec{ID: a, Extension: strconv.Itoa(3001 + i), Team: f.team})
	}
	c.NotReadyReason, c.LogoutReason = "1", "4" // the demo directory's
	c.Calls.Queues = f.callQueues([]string{"100"})
	return c, nil
}

// publishShape is publisher mode: -sessions subscriber users, one session
// each, subscribed to -publish-node.
func (f loadFlags) publishShape(c loadgen.Config) (loadgen.Config, error) {
	if f.sessions < 1 {
		return c, errors.New("-sessions must be at least 1")
	}
	if f.configFile != "" {
		return c, errors.New("-config and -publish-node do not go together")
	}
	for _, addr := range []string{"tcp://" + c.XMPP, c.BOSH, c.WebSocket} {
		if u, err := url.Parse(addr); err != nil || !isLoopback(u.Hostname()) {
			return c, fmt.Errorf("publisher mode only targets loopback addresses, not %q", addr)
		}
	}
	p := f.publish
	if p.Service == "" {
		p.Service = "pubsub." + c.Domain
	}
	c.Publish = &p
	for i := range f.sessions {
		user := fmt.Sprintf("%s%04d", f.userPrefix, i+1)
		c.Sessions = append(c.Sessions, loadgen.SessionSpec{User: user, Transport: f.transportOf(i), Subscribe: []string{p.Node}})
	}
	return c, nil
}

// desktopsShape is -desktops agents of the config file, each with its own
// session, and -supervisors supervisors watching their teams.
func (f loadFlags) desktopsShape(c loadgen.Config) (loadgen.Config, error) {
	file, err := config.Load(f.configFile)
	if err != nil {
		return c, err
	}
	devices, err := directory.ExpandDevices(file.Devices)
	if err != nil {
		return c, err
	}
	for _, u := range file.Users {
		switch {
		case len(u.Supervises) > 0 && len(c.Sessions)-len(c.Agents) < f.supervisors:
			var nodes []string
			for _, t := range u.Supervises {
				nodes = append(nodes, loadgen.TeamNode(t))
			}
			c.Sessions = append(c.Sessions, loadgen.SessionSpec{User: u.ID, Transport: f.transportOf(len(c.Sessions)), Subscribe: nodes})
		case u.Team != "" && len(u.Supervises) == 0 && len(c.Agents) < f.desktops:
			if len(c.Agents) >= len(devices) {
				return c, fmt.Errorf("%s: more agents than devices", f.configFile)
			}
			c.Agents = append(c.Agents, loadgen.AgentSpec{ID: u.ID, Extension: devices[len(c.Agents)], Team: u.Team})
			c.Sessions = append(c.Sessions, loadgen.SessionSpec{User: u.ID, Transport: f.transportOf(len(c.Sessions))})
		}
	}
	if len(c.Agents) < f.desktops || len(c.Sessions)-len(c.Agents) < f.supervisors {
		return c, fmt.Errorf("%s has %d agents and %d supervisors, fewer than asked", f.configFile, len(c.Agents), len(c.Sessions)-len(c.Agents))
	}
	for _, r := range slices.Backward(file.Reasons) {
		switch r.Category {
		case "NOT_READY":
			c.NotReadyReason = r.ID
		case "LOGOUT":
			c.LogoutReason = r.ID
		}
	}
	running := map[string]bool{}
	for _, a := range c.Agents {
		running[a.ID] = true
	}
	var queues []string
	for _, q := range file.Queues {
		if slices.ContainsFunc(q.Agents, func(id string) bool { return running[id] }) {
			queues = append(queues, q.ID)
		}
	}
	c.Calls.Queues = f.callQueues(queues)
	return c, nil
}

func (f loadFlags) transportOf(i int) string {
	if f.transport == "mix" {
		return loadgen.Transports[i%len(loadgen.Transports)]
	}
	return f.transport
}

// serverAddr is the host and port of the server whose process load
// measures: -rest's, or -xmpp's in publisher mode (which has no REST).
func (f loadFlags) serverAddr() (string, int) {
	if f.publish.Node != "" {
		host, port, _ := net.SplitHostPort(f.cfg.XMPP)
		n, _ := strconv.Atoi(port)
		return host, n
	}
	u, err := url.Parse(f.cfg.REST)
	if err != nil {
		return "", 0
	}
	port, _ := strconv.Atoi(u.Port())
	if port == 0 && u.Scheme == "https" {
		port = 443
	} else if port == 0 {
		port = 80
	}
	return u.Hostname(), port
}

// serverNote says whose memory and CPU the report gives, or why none:
// a run that silently measured nothing, or the wrong process, would mislead.
func (f loadFlags) serverNote(c loadgen.Config) string {
	host, port := f.serverAddr()
	switch {
	case c.ServerPID > 0 && f.serverPID > 0:
		return fmt.Sprintf("server: pid %d (-server-pid)", c.ServerPID)
	case c.ServerPID > 0:
		return fmt.Sprintf("server: pid %d, which listens on port %d (-server-pid to choose another)", c.ServerPID, port)
	case f.serverPID == 0:
		return ""
	case !isLoopback(host):
		return fmt.Sprintf("server memory and CPU not measured: %s is not this machine (-server-pid if it is)", host)
	}
	return fmt.Sprintf("server memory and CPU not measured: no process this user can see listens on port %d (-server-pid)", port)
}

func isLoopback(host string) bool {
	return host == "localhost" || strings.HasPrefix(host, "127.") || host == "::1"
}

// metricsURL is where the server's stage histograms are read: -metrics,
// else -rest's /metrics; none with -metrics off, nor by default in
// publisher mode, whose server is another (Prosody, ejabberd).
func (f loadFlags) metricsURL() string {
	switch {
	case f.metrics == "off":
		return ""
	case f.metrics != "":
		return f.metrics
	case f.publish.Node != "":
		return ""
	}
	return strings.TrimSuffix(f.cfg.REST, "/") + "/metrics"
}

// callQueues is -queues, or the given queues when it is empty.
func (f loadFlags) callQueues(otherwise []string) []string {
	if f.queues == "" {
		return otherwise
	}
	return strings.Split(f.queues, ",")
}

// profileCPU starts the generator's CPU profile into path; the returned
// function stops it and closes the file.
func profileCPU(path string) (func(), error) {
	out, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(out); err != nil {
		out.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() {
		pprof.StopCPUProfile()
		out.Close()
	}, nil
}
