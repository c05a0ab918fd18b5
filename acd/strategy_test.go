package acd_test

import (
	"strings"
	"testing"

	"github.com/finessed/finessed/acd/directory"
)

func withStrategy(t *testing.T, strategy string) directory.Config {
	cfg := demoConfig(t)
	for i := range cfg.Queues {
		if cfg.Queues[i].ID == "100" {
			cfg.Queues[i].Strategy = strategy
		}
	}
	return cfg
}

// handle brings a call to queue 100, has its agent answer and drop it, and
// returns who took it.
func (f *fixture) handle() string {
	f.tb.Helper()
	c := f.inject("100", "5551234")
	if c.Agent == "" {
		f.tb.Fatalf("call %s not offered", c.ID)
	}
	f.act(c.Agent, c.DialogID, "ANSWER")
	f.act(c.Agent, c.DialogID, "DROP")
	return c.Agent
}

// Round robin offers calls to the queue's agents in turn, whatever their
// READY time.
func TestRoundRobin(t *testing.T) {
	f := newFixture(t, withStrategy(t, directory.RoundRobin))
	f.ready("1003", "3003")
	f.ready("1001", "3001")
	f.ready("1002", "3002")
	var got []string
	for range 5 {
		got = append(got, f.handle())
	}
	if want := "1001 1002 1003 1001 1002"; strings.Join(got, " ") != want {
		t.Fatalf("offered to %v, want %s", got, want)
	}
}

// Fewest calls offers the call to the agent that handled fewest since it
// signed in; a tie goes to the one READY the longest.
func TestFewestCalls(t *testing.T) {
	f := newFixture(t, withStrategy(t, directory.FewestCalls))
	f.ready("1001", "3001")
	if got := f.handle(); got != "1001" {
		t.Fatalf("first call to %s", got)
	}
	f.ready("1002", "3002")
	// 1002 became READY after 1001 did, yet has handled no call.
	if got := f.handle(); got != "1002" {
		t.Fatalf("second call to %s, want 1002 (no calls yet)", got)
	}
	if got := f.handle(); got != "1001" {
		t.Fatalf("third call to %s, want 1001 (tie, READY longer)", got)
	}
}

func TestStrategyValidation(t *testing.T) {
	for _, s := range []string{"ringall", "random"} {
		if _, err := directory.NewDirectory(withStrategy(t, s)); err == nil {
			t.Errorf("strategy %q accepted", s)
		}
	}
	for _, s := range []string{"", directory.LongestAvailable, directory.RoundRobin, directory.FewestCalls, directory.RingAll} {
		if _, err := directory.NewDirectory(withStrategy(t, s)); err != nil {
			t.Errorf("strategy %q refused: %v", s, err)
		}
	}
}
