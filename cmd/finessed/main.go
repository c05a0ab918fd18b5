package main

import (
	"github.com/finessed/finessed/internal/version"

	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	opts, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "finessed:", err)
		os.Exit(2)
	}
	if opts.version {
		fmt.Println("finessed", version.String())
		return
	}
	if opts.checkConfig != "" {
		if err := checkConfig(opts.checkConfig, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "finessed:", oneLine(err))
			os.Exit(1)
		}
		return
	}
	// The standard log package's default logger writes through this one
	// from here on (net/http's own errors, such as failed TLS handshakes,
	// included), so every line has the chosen format.
	slog.SetDefault(newLogger(os.Stderr, opts))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		slog.Error("finessed stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, opts options) error {
	defer startGCHeadroom(uint64(opts.gcHeadroomMB) << 20)()
	srv, err := newServer(opts)
	if err != nil {
		return err
	}
	if err := srv.start(); err != nil {
		return err
	}
	<-ctx.Done()
	slog.Info("shutting down")
	return srv.shutdown(context.Background())
}

// newLogger writes opts' format at opts' level to w. With shared state
// every line names this node as thisNode, since the nodes' logs are read
// together; "node" is what the engine's own lines are about, which may be
// another node (one reaped after it died).
func newLogger(w io.Writer, opts options) *slog.Logger {
	ho := &slog.HandlerOptions{Level: opts.logLevel}
	var h slog.Handler = slog.NewTextHandler(w, ho)
	if opts.logFormat == "json" {
		h = slog.NewJSONHandler(w, ho)
	}
	l := slog.New(h)
	if opts.shared() {
		l = l.With("thisNode", nodeName(opts))
	}
	return l
}
