package main

import (
	"github.com/finessed/finessed/internal/version"

	"context"
	"errors"
	"flag"
	"fmt"
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
	slog.SetDefault(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: opts.logLevel})))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		slog.Error("finessed stopped", "err", err)
		os.Exit(1)
	}
}

// run serves until ctx is done, then shuts down gracefully.
func run(ctx context.Context, opts options) error {
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
