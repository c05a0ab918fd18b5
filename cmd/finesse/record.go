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
	"time"

	"github.com/finessed/finessed/conformance"
)

// desktopFlags collects -desktop name=user[:node,node...] flags.
type desktopFlags map[string]*conformance.Desktop

func (d desktopFlags) String() string { return "" }

func (d desktopFlags) Set(v string) error {
	name, rest, ok := strings.Cut(v, "=")
	if !ok || name == "" || rest == "" {
		return fmt.Errorf("want name=user[:node,node...], got %q", v)
	}
	user, nodes, _ := strings.Cut(rest, ":")
	desk := &conformance.Desktop{User: user}
	if nodes != "" {
		desk.Subscribe = strings.Split(nodes, ",")
	}
	d[name] = desk
	return nil
}

// runRecord performs a script's actions against a server, or only listens,
// and writes what the server did as a scenario file.
func runRecord(args []string, stdout, stderr io.Writer) error {
	desktops := desktopFlags{}
	fs := newFlagSet("record", "[flags] [SCRIPT.yaml]",
		"With a script (a scenario whose expect steps are ignored), performs its\n"+
			"actions with its desktops listening; without one, listens for -listen\n"+
			"with the -desktop sessions. Writes a scenario to -o (default stdout).", stderr)
	var cfg replayConfig
	bindTarget(fs, &cfg)
	out := fs.String("o", "", "write the scenario to `FILE` (default: standard output)")
	name := fs.String("name", "Recorded", "the scenario's name, without a script")
	settle := fs.Duration("settle", 300*time.Millisecond, "how long to wait for notifications after each action")
	listen := fs.Duration("listen", 10*time.Second, "how long to listen, without a script")
	fs.Var(desktops, "desktop", "a desktop `name=user[:node,node...]` to listen with, without a script (repeatable)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if err := checkTransport(cfg.transport); err != nil {
		return err
	}
	script, err := recordScript(fs.Args(), *name, desktops, *listen)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rec, err := cfg.target().Record(ctx, script, *settle)
	if err != nil {
		return err
	}
	data, err := rec.Marshal()
	if err != nil {
		return err
	}
	if *out == "" {
		_, err = stdout.Write(data)
		return err
	}
	return os.WriteFile(*out, data, 0o644)
}

// recordScript is the script to record: the file given, or listening alone.
func recordScript(args []string, name string, desktops desktopFlags, listen time.Duration) (*conformance.Scenario, error) {
	switch {
	case len(args) > 1:
		return nil, fmt.Errorf("one script at most, got %d", len(args))
	case len(args) == 1:
		return conformance.Load(args[0])
	case len(desktops) == 0:
		return nil, fmt.Errorf("no script and no -desktop: nothing to record")
	}
	return &conformance.Scenario{
		Name:     name,
		Desktops: desktops,
		Steps:    []conformance.Step{{Wait: conformance.Duration(listen)}},
	}, nil
}
