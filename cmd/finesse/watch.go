package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/conformance"
)

// runWatch signs a user in over XMPP, subscribes to the nodes given, and
// prints every notification as it arrives, until interrupted or -d ends.
func runWatch(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("watch", "[flags] [NODE ...]",
		"Prints the user's own notifications (its User, Dialogs and SystemInfo\n"+
			"nodes) and those of every NODE it subscribes to, e.g.\n"+
			"/finesse/api/Team/10/Users.", stderr)
	var cfg replayConfig
	bindTarget(fs, &cfg)
	user := fs.String("user", "1001", "the user who signs in")
	duration := fs.Duration("d", 0, "stop after this long (default: until interrupted)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if err := checkTransport(cfg.transport); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	t := cfg.target()
	s, err := t.Dial(ctx, *user, cfg.password)
	if err != nil {
		return err // it says who, and how it was refused
	}
	defer s.Close()
	if err := s.Available(ctx); err != nil {
		return err
	}
	for _, node := range fs.Args() {
		if err := conformance.Subscribe(ctx, s, node); err != nil {
			return fmt.Errorf("subscribe %s: %w", node, err)
		}
		defer unsubscribe(s, node)
		fmt.Fprintf(stderr, "subscribed to %s\n", node)
	}
	for {
		n, err := s.Next(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		fmt.Fprintf(stdout, "%s  %s  item %s\n%s\n", time.Now().Format("15:04:05.000"), n.Node, n.ItemID, pretty(n.Text))
	}
}

// unsubscribe ends a subscription watch made: subscriptions outlive the
// session, and the user's desktop would otherwise receive what only watch
// asked for.
func unsubscribe(s conformance.Session, node string) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	s.Unsubscribe(ctx, node)
}

// pretty indents an XML document for reading, or returns it as it is.
func pretty(s string) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(strings.TrimSpace(s)); err != nil {
		return s
	}
	doc.Indent(2)
	out, _ := doc.WriteToString()
	return strings.TrimRight(out, "\n")
}
