package bosh

import (
	"log/slog"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

// BenchmarkBOSHLongPoll measures one agent state change delivered to a
// desktop through a held request: commit, fan-out, response, parse.
func BenchmarkBOSHLongPoll(b *testing.B) {
	// Sessions log their opening and end; the benchmark line is the output.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.DiscardHandler))
	e := newEnv(b, func(h *Handler) { h.MaxWait = 10 * time.Second })
	c := e.client("/http-bind")
	c.login("1001", "desk")
	const node = "/finesse/api/User/1001"
	arrived := func(els []*etree.Element) bool { return len(notifications(els, node)) > 0 }
	e.changeState("1001", model.StateLogin, "3001", "", "login")
	c.collect(c.send("", ""), arrived)

	for i := 0; b.Loop(); i++ {
		held := c.async(c.nextRID(), "", "")
		if i%2 == 0 {
			e.changeState("1001", model.StateReady, "", "", "")
		} else {
			e.changeState("1001", model.StateNotReady, "", "1", "")
		}
		c.collect(receive(b, held).body, arrived)
	}
}

// BenchmarkParseBodyPoll measures reading an empty request body, which
// every desktop sends after each response.
func BenchmarkParseBodyPoll(b *testing.B) {
	data := []byte("<body rid='1385961773' sid='6f3b5c2e9a1d4e7b8c0f2a3d4e5f6a7b' xmlns='" + NSHTTPBind + "'/>")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := parseBody(data); err != nil {
			b.Fatal(err)
		}
	}
}
