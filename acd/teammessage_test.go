package acd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
)

// A supervisor's message reaches its team's TeamMessages node, is listed
// for the team's members until it expires on the ACD clock, and its
// expiry is published as a deletion.
func TestTeamMessage(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	mark := f.last()
	id, err := f.eng.PostTeamMessage(ctx, f.user("2001"), acd.TeamMessageRequest{
		Duration: time.Minute, Content: "Queue is long: skip breaks", Teams: []string{"10"}, RequestID: "tm",
	})
	if err != nil {
		t.Fatal(err)
	}
	evs := f.eventsAfter(mark)
	if len(evs) != 1 || len(evs[0].Nodes) != 1 || evs[0].Nodes[0] != "/finesse/api/Team/10/TeamMessages" {
		t.Fatalf("events %+v", evs)
	}
	if u := parseUpdate(t, evs[0]); u.Event != "POST" || u.RequestID != "tm" || u.Source != "/finesse/api/TeamMessage/"+id ||
		u.Data.SelectElement("content").Text() != "Queue is long: skip breaks" || u.Data.FindElement("createdBy/lastName").Text() != "Supervisor" {
		t.Fatalf("update %+v", u)
	}
	for who, want := range map[string]int{"1001": 1, "2001": 1, "admin": 1, "1006": 0} {
		if ms, err := f.eng.TeamMessages(ctx, f.user(who)); err != nil || len(ms) != want {
			t.Errorf("%s lists %d messages, %v; want %d", who, len(ms), err, want)
		}
	}

	f.clock.Advance(59 * time.Second)
	if ms, _ := f.eng.TeamMessages(ctx, f.user("1001")); len(ms) != 1 {
		t.Fatalf("a second before expiry: %d messages", len(ms))
	}
	mark = f.last()
	f.clock.Advance(time.Second)
	if ms, _ := f.eng.TeamMessages(ctx, f.user("1001")); len(ms) != 0 {
		t.Fatalf("after expiry: %d messages", len(ms))
	}
	f.eng.Sweep(ctx)
	if evs := f.eventsAfter(mark); len(evs) != 1 || parseUpdate(t, evs[0]).Event != "DELETE" {
		t.Fatalf("expiry published %d events", len(evs))
	}
}

func TestTeamMessageRefusals(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	send := func(who string, req acd.TeamMessageRequest) error {
		_, err := f.eng.PostTeamMessage(ctx, f.user(who), req)
		return err
	}
	ok := acd.TeamMessageRequest{Duration: time.Minute, Content: "x", Teams: []string{"10"}}
	long := ok
	long.Content = string(make([]rune, 256))
	for name, c := range map[string]struct {
		who  string
		req  acd.TeamMessageRequest
		kind error
	}{
		"an agent":       {"1001", ok, acd.ErrNotAuthorized},
		"no content":     {"2001", acd.TeamMessageRequest{Duration: time.Minute, Teams: []string{"10"}}, acd.ErrParameterMissing},
		"too long":       {"2001", long, acd.ErrInvalidInput},
		"no duration":    {"2001", acd.TeamMessageRequest{Content: "x", Teams: []string{"10"}}, acd.ErrInvalidInput},
		"over a day":     {"2001", acd.TeamMessageRequest{Duration: 25 * time.Hour, Content: "x", Teams: []string{"10"}}, acd.ErrInvalidInput},
		"no team":        {"2001", acd.TeamMessageRequest{Duration: time.Minute, Content: "x"}, acd.ErrParameterMissing},
		"unknown team":   {"2001", acd.TeamMessageRequest{Duration: time.Minute, Content: "x", Teams: []string{"99"}}, acd.ErrNotFound},
		"no supervision": {"2001", acd.TeamMessageRequest{Duration: time.Minute, Content: "x", Teams: []string{"10", "30"}}, acd.ErrNotFound},
	} {
		if err := send(c.who, c.req); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}

	id, err := f.eng.PostTeamMessage(ctx, f.user("2001"), ok)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.eng.DeleteTeamMessage(ctx, f.user("1001"), id, ""); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Errorf("a member deleting: %v", err)
	}
	if err := f.eng.DeleteTeamMessage(ctx, f.user("1006"), id, ""); !errors.Is(err, acd.ErrNotFound) {
		t.Errorf("another team's agent deleting: %v", err)
	}
	if err := f.eng.DeleteTeamMessage(ctx, f.user("2001"), id, "del"); err != nil {
		t.Fatal(err)
	}
	if ms, _ := f.eng.TeamMessages(ctx, f.user("1001")); len(ms) != 0 {
		t.Fatalf("after deletion: %d messages", len(ms))
	}
}
