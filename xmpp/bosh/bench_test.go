package bosh

import (
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

// BenchmarkBOSHLongPoll measures one agent state change delivered to a
// desktop through a held request: commit, fan-out, response, parse.
func BenchmarkBOSHLongPoll(b *testing.B) {
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
