package c2s_test

import (
	"context"
	"log/slog"
	"strconv"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// BenchmarkTCPNotify measures an agent state change from commit to its
// receipt by one desktop over XMPP on TCP: per iteration, one
// Engine.ChangeState (no REST) and the wait for its notification.
func BenchmarkTCPNotify(b *testing.B) {
	// Sessions log their opening and end; the benchmark line is the output.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.DiscardHandler))
	h := start(b, options{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	c, err := xmpptest.DialTCP(ctx, h.addr, "localhost", "1001", "finesse")
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	if err := c.Available(ctx); err != nil {
		b.Fatal(err)
	}
	// A reply to a later stanza: the presence has been handled in full.
	if _, err := c.IQ(ctx, "<iq type='get' id='joined' to='localhost'><ping xmlns='urn:xmpp:ping'/></iq>"); err != nil {
		b.Fatal(err)
	}
	agent := h.user("1001")
	change := func(req acd.StateRequest) {
		if err := h.eng.ChangeState(ctx, agent, req); err != nil {
			b.Fatalf("%s: %v", req.State, err)
		}
		for {
			n, err := c.Next(ctx)
			if err != nil {
				b.Fatalf("waiting for %s: %v", req.RequestID, err)
			}
			if n.Update.RequestID == req.RequestID {
				return
			}
		}
	}
	change(acd.StateRequest{AgentID: "1001", State: model.StateLogin, Extension: "3001", RequestID: "login"})

	b.ResetTimer()
	for i := range b.N {
		req := acd.StateRequest{AgentID: "1001", State: model.StateReady, RequestID: strconv.Itoa(i)}
		if i%2 == 1 {
			req.State, req.ReasonCodeID = model.StateNotReady, "1"
		}
		change(req)
	}
}
