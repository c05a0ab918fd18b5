package xmpptest

import (
	"context"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/xmpp"
)

// Running is a notification service over the demo directory, delivering
// until Stop: what transport tests serve their listeners from.
type Running struct {
	Dir     *acd.Directory
	Engine  *acd.Engine
	Service *xmpp.Service
	// Context ends when Stop is called; transports serve under it.
	Context context.Context

	tb     testing.TB
	cancel context.CancelFunc
	ran    chan error
}

// StartService builds the demo directory (changed by configure, if not
// nil), its engine and notification service, and runs the service.
func StartService(tb testing.TB, configure func(*directory.Config)) *Running {
	tb.Helper()
	f, err := config.Demo()
	if err != nil {
		tb.Fatal(err)
	}
	if configure != nil {
		configure(&f.Config)
	}
	dir, err := directory.NewDirectory(f.Config)
	if err != nil {
		tb.Fatal(err)
	}
	mem := memstore.New(nil, memstore.DefaultRetain)
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Store: mem, Log: mem.Log()})
	if err != nil {
		tb.Fatal(err)
	}
	r := &Running{Dir: dir, Engine: eng, Service: xmpp.NewService(eng, xmpp.Options{}), tb: tb, ran: make(chan error, 1)}
	r.Context, r.cancel = context.WithCancel(context.Background())
	go func() { r.ran <- r.Service.Run(r.Context) }()
	return r
}

// Stop cancels the service's context, waits for Run (reporting an error
// or a Run that does not return) and closes the engine. Call it once.
func (r *Running) Stop() {
	r.cancel()
	select {
	case err := <-r.ran:
		if err != nil {
			r.tb.Errorf("Run: %v", err)
		}
	case <-time.After(10 * time.Second):
		r.tb.Errorf("Run did not return after its context was cancelled")
	}
	r.Engine.Close()
}
