package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/finessed/finessed/conformance"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// replayConfig is what one replay run is given.
type replayConfig struct {
	rest, xmpp, bosh, ws string
	transport, domain    string
	password, admin      string
	adminPassword, junit string
	quiet                bool
	insecure, startTLS   bool
	paths                []string
}

// runReplay runs scenario files against a server and reports each, failing
// when any scenario fails.
func runReplay(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseReplay(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	var scenarios []*conformance.Scenario
	for _, p := range cfg.paths {
		found, err := loadScenarios(p)
		if err != nil {
			return err
		}
		scenarios = append(scenarios, found...)
	}
	if len(scenarios) == 0 {
		// A mistyped directory must not pass in CI.
		return fmt.Errorf("no scenarios in %s", strings.Join(cfg.paths, " "))
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	target := cfg.target()
	var results []conformance.Result
	for _, sc := range scenarios {
		if ctx.Err() != nil {
			break
		}
		res := target.Run(ctx, sc)
		if !cfg.quiet || res.Failed() {
			conformance.WriteText(stdout, res)
		}
		results = append(results, res)
	}
	if cfg.junit != "" {
		if err := writeJUnit(cfg.junit, cfg.transport, results); err != nil {
			return err
		}
	}
	counts := conformance.Count(results)
	fmt.Fprintln(stdout, counts)
	if counts.Failed > 0 {
		return fmt.Errorf("%d of %d scenarios failed", counts.Failed, len(results))
	}
	return nil
}

func parseReplay(args []string, stderr io.Writer) (replayConfig, error) {
	var c replayConfig
	fs := newFlagSet("replay", "[flags] SCENARIO.yaml|DIR ...", "", stderr)
	bindTarget(fs, &c)
	fs.StringVar(&c.junit, "junit", "", "also write a JUnit XML report to `FILE`")
	fs.BoolVar(&c.quiet, "q", false, "report only the scenarios that fail, and the summary")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return c, fmt.Errorf("no scenario files given")
	}
	c.paths = fs.Args()
	return c, checkTransport(c.transport)
}

func checkTransport(t string) error {
	switch t {
	case "tcp", "websocket", "bosh":
		return nil
	}
	return fmt.Errorf("-transport %q: want tcp, websocket or bosh", t)
}

// bindTarget defines the flags that say where the server is and who
// signs in.
func bindTarget(fs *flag.FlagSet, c *replayConfig) {
	bindREST(fs, &c.rest)
	bindInsecure(fs, &c.insecure)
	bindStartTLS(fs, &c.startTLS)
	fs.StringVar(&c.xmpp, "xmpp", "127.0.0.1:5222", "the server's XMPP TCP `address`")
	fs.StringVar(&c.bosh, "bosh", "http://127.0.0.1:7071/http-bind", "the server's BOSH `URL`")
	fs.StringVar(&c.ws, "ws", "ws://127.0.0.1:7071/ws", "the server's WebSocket `URL`")
	fs.StringVar(&c.transport, "transport", "tcp", "how desktops connect: tcp, websocket or bosh")
	fs.StringVar(&c.domain, "domain", "localhost", "the XMPP domain")
	fs.StringVar(&c.password, "password", "finesse", "every user's password")
	fs.StringVar(&c.admin, "admin", "admin", "the administrator who makes simulator requests")
	fs.StringVar(&c.adminPassword, "admin-password", "", "the administrator's password (default: -password)")
}

func (c replayConfig) target() conformance.Target {
	passwords := map[string]string{}
	if c.adminPassword != "" {
		passwords[c.admin] = c.adminPassword
	}
	dialer := xmpptest.Dialer{TLS: tlsConfig(c.insecure), StartTLS: c.startTLS}
	dial := func(ctx context.Context, user, password string) (conformance.Session, error) {
		switch c.transport {
		case "websocket":
			return dialer.WebSocket(ctx, c.ws, c.domain, user, password)
		case "bosh":
			return dialer.BOSH(ctx, c.bosh, c.domain, user, password)
		}
		return dialer.TCP(ctx, c.xmpp, c.domain, user, "", password)
	}
	return conformance.Target{REST: c.rest, Dial: dial, Password: c.password, Passwords: passwords, Admin: c.admin,
		HTTP: httpClient(c.insecure, 0)}
}

// loadScenarios reads one scenario file, or every one in a directory.
func loadScenarios(path string) ([]*conformance.Scenario, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return conformance.LoadDir(path)
	}
	sc, err := conformance.Load(path)
	if err != nil {
		return nil, err
	}
	return []*conformance.Scenario{sc}, nil
}

func writeJUnit(path, transport string, results []conformance.Result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := conformance.WriteJUnit(f, "conformance "+strings.TrimSpace(transport), results); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
