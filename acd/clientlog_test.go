package acd_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd"
)

// A desktop's log is kept for administrators, acknowledged on the user's
// ClientLog node, and bounded: the oldest of a user's logs go once they
// hold more than a few megabytes, the newest always stays.
func TestClientLog(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	mark := f.last()
	if err := f.eng.PostClientLog(ctx, f.user("1001"), "1001", "first", "log-1"); err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark, "POST User/1001/ClientLog rid=log-1 on User/1001/ClientLog: (no data)")

	big := strings.Repeat("x", acd.MaxClientLogChars)
	for range 5 {
		if err := f.eng.PostClientLog(ctx, f.user("1001"), "1001", big, ""); err != nil {
			t.Fatal(err)
		}
	}
	logs, err := f.eng.ClientLogs(f.user("admin"), "agent1")
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 4 || logs[0].Data != big {
		t.Fatalf("after 6 posts the node keeps %d logs, the first %.10q", len(logs), logs[0].Data)
	}

	for name, c := range map[string]struct {
		actor, user, data string
		kind              error
	}{
		"another's log":  {"1002", "1001", "x", acd.ErrNotYourUser},
		"too long":       {"1001", "1001", big + "y", acd.ErrInvalidInput},
		"no such user":   {"1001", "9999", "x", acd.ErrUserNotFound},
		"a supervisor's": {"2001", "1001", "x", acd.ErrNotYourUser},
	} {
		if err := f.eng.PostClientLog(ctx, f.user(c.actor), c.user, c.data, ""); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}
	if _, err := f.eng.ClientLogs(f.user("1001"), "1001"); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Errorf("an agent reading logs: %v", err)
	}
}
