package rest_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
)

// deadRoster never answers, as a shared Store that went away.
type deadRoster struct{}

func (deadRoster) Announce(context.Context, acd.Member) error { return errors.New("no answer") }
func (deadRoster) Members(context.Context) ([]acd.Member, error) {
	return nil, errors.New("no answer")
}

// outOfService serves the demo directory from a node whose roster stopped
// answering long enough ago for it to be out of service.
func outOfService(t *testing.T) *env {
	e := newServerOver(t, demoConfig(t), acd.Options{Roster: deadRoster{}})
	t.Cleanup(e.eng.Close)
	e.eng.Start()
	e.clock.Advance(2 * time.Second)
	if e.eng.InService() {
		t.Fatal("the engine is in service with a roster that never answers")
	}
	e.ts = httptest.NewServer(e.srv)
	t.Cleanup(e.ts.Close)
	return e
}

// TestOutOfService pins where availability sits among the checks: after
// the requestId bound, before authentication, and only under the API and
// the simulator.
func TestOutOfService(t *testing.T) {
	t.Parallel()
	e := outOfService(t)
	for _, c := range []struct{ method, user, path string }{
		{http.MethodGet, "1001", "/finesse/api/User/1001"},
		{http.MethodPut, "1001", "/finesse/api/User/1001"},
		{http.MethodGet, "", "/finesse/api/User/1001"},
		{http.MethodGet, "1001", "/finesse/api/Nope"},
		{http.MethodGet, "admin", "/acd/Calls"},
		{http.MethodHead, "1001", "/finesse/api/SystemInfo"},
	} {
		r := e.do(c.method, c.user, c.path, "")
		if r.status != http.StatusServiceUnavailable {
			t.Errorf("%s %s as %q: status %d, want 503", c.method, c.path, c.user, r.status)
		}
	}
	wantAPIError(t, e.get("1001", "/finesse/api/User/1001"), http.StatusServiceUnavailable, "Service Unavailable", "")

	// Desktops poll SystemInfo to learn where to go; it still asks who they are.
	wantStatus(t, e.get("1001", "/finesse/api/SystemInfo"), http.StatusOK)
	wantAPIError(t, e.get("", "/finesse/api/SystemInfo"), http.StatusUnauthorized, "Authentication Failure", "")

	r := e.get("1001", "/finesse/api/User/1001", "requestId", strings.Repeat("r", 300))
	wantAPIError(t, r, http.StatusBadRequest, "Invalid Input", "requestId")
	if got := e.get("1001", "/finesse/api/User/1001", "requestId", "req-1").header.Get("requestId"); got != "req-1" {
		t.Errorf("a refused request echoed requestId %q, want req-1", got)
	}
	wantAPIError(t, e.get("", "/finesse/Nope"), http.StatusNotFound, "Not Found", "/finesse/Nope")
}
