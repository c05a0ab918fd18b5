package rest_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

func TestAuthenticationFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		name                string
		user, pass, errData string
		noCredentials       bool
	}{
		{name: "no credentials", noCredentials: true},
		{name: "wrong password", user: "1001", pass: "wrong", errData: "1001"},
		{name: "unknown user", user: "9999", pass: password, errData: "9999"},
		{name: "unknown loginName", user: "nobody", pass: password, errData: "nobody"},
		{name: "forbidden character", user: "agent;1", pass: password, errData: "agent;1"},
		{name: "empty password", user: "1001", pass: "", errData: "1001"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req := e.newRequest(http.MethodGet, "/finesse/api/User/1001", "")
			if !c.noCredentials {
				req.SetBasicAuth(c.user, c.pass)
			}
			r := e.send(req)
			wantAPIError(t, r, http.StatusUnauthorized, "Authentication Failure", c.errData)
			// Without the challenge a browser-based client never asks the
			// user for credentials.
			if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Basic") {
				t.Errorf("WWW-Authenticate %q, want a Basic challenge", got)
			}
		})
	}
}

func TestAuthenticationFailureWithNonBasicScheme(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	req := e.newRequest(http.MethodGet, "/finesse/api/SystemInfo", "")
	req.Header.Set("Authorization", "Bearer abc")
	wantAPIError(t, e.send(req), http.StatusUnauthorized, "Authentication Failure", "")
}

// Failing before routing means an unauthenticated caller cannot tell which
// resources exist.
func TestAuthenticationBeforeRouting(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantAPIError(t, e.get("", "/finesse/api/Nope"), http.StatusUnauthorized, "Authentication Failure", "")
	wantAPIError(t, e.do(http.MethodPost, "", "/finesse/api/User/1001", ""), http.StatusUnauthorized, "Authentication Failure", "")
}

func TestLoginByLoginName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	if u := e.user("agent1", "1001"); u.ID != "1001" || u.LoginName != "agent1" {
		t.Errorf("agent1 sees user %s (%s), want 1001 (agent1)", u.ID, u.LoginName)
	}
	if u := e.user("administrator", "1001"); u.ID != "1001" {
		t.Errorf("administrator sees user %s, want 1001", u.ID)
	}
}

// badLogin is a GET as user with a wrong password.
func (e *env) badLogin(user string) response {
	e.tb.Helper()
	req := e.newRequest(http.MethodGet, "/finesse/api/User/1001", "")
	req.SetBasicAuth(user, "wrong")
	return e.send(req)
}

func (e *env) badLogins(user string, n int) response {
	e.tb.Helper()
	var r response
	for range n {
		r = e.badLogin(user)
		wantAPIError(e.tb, r, http.StatusUnauthorized, "Authentication Failure", user)
	}
	return r
}

func TestLockout(t *testing.T) {
	t.Parallel()

	t.Run("five bad passwords lock the account", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		// A verified password is cached; the lock must hold all the same.
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
		bad := e.badLogins("1001", 5)
		locked := e.get("1001", "/finesse/api/User/1001")
		wantAPIError(t, locked, http.StatusUnauthorized, "Authentication Failure", "1001")
		// A locked account must not be told from a bad password, or the
		// lockout would confirm a guessed password.
		if !bytes.Equal(locked.body, bad.body) {
			t.Errorf("locked body differs from bad-password body:\n%s\n%s", locked.body, bad.body)
		}
		if locked.header.Get("WWW-Authenticate") != bad.header.Get("WWW-Authenticate") {
			t.Errorf("WWW-Authenticate %q after lock, %q after bad password", locked.header.Get("WWW-Authenticate"), bad.header.Get("WWW-Authenticate"))
		}
		wantStatus(t, e.get("1002", "/finesse/api/User/1002"), http.StatusOK)
	})

	t.Run("the lock covers the loginName too", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.badLogins("agent1", 5)
		wantAPIError(t, e.get("1001", "/finesse/api/User/1001"), http.StatusUnauthorized, "Authentication Failure", "1001")
	})

	t.Run("four bad passwords do not lock", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.badLogins("1001", 4)
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
		// The good password reset the count, so four more do not lock either.
		e.badLogins("1001", 4)
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
	})

	t.Run("unknown users are not counted against others", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.badLogins("9999", 10)
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
	})

	t.Run("the lock ends after five quiet minutes", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.badLogins("1001", 5)
		e.clock.Advance(5 * time.Minute)
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
	})

	t.Run("attempts during the lock restart it", func(t *testing.T) {
		t.Parallel()
		e := newEnv(t)
		e.badLogins("1001", 5)
		e.clock.Advance(4 * time.Minute)
		wantAPIError(t, e.get("1001", "/finesse/api/User/1001"), http.StatusUnauthorized, "Authentication Failure", "1001")
		// Six minutes after the lock began: it would have ended without the
		// attempt at four.
		e.clock.Advance(2 * time.Minute)
		wantAPIError(t, e.get("1001", "/finesse/api/User/1001"), http.StatusUnauthorized, "Authentication Failure", "1001")
		e.clock.Advance(5 * time.Minute)
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
	})
}

func TestInvalidAuthorizationUserSpecified(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantAPIError(t, e.get("1001", "/finesse/api/User/1002"), http.StatusUnauthorized, "Invalid Authorization User Specified", "1001")
	wantAPIError(t, e.get("agent1", "/finesse/api/User/agent2"), http.StatusUnauthorized, "Invalid Authorization User Specified", "1001")

	last := e.lastEvent()
	wantAPIError(t, e.put("1001", "/finesse/api/User/1002", loginBody("3002")), http.StatusUnauthorized, "Invalid Authorization User Specified", "1001")
	wantAPIError(t, e.put("1001", "/finesse/api/User/1002", stateBody("READY", "")), http.StatusUnauthorized, "Invalid Authorization User Specified", "1001")
	e.wantNoEventAfter(last)
	if u := e.user("1002", "1002"); u.State != model.StateLogout {
		t.Errorf("1002 is %s after another agent's PUT, want LOGOUT", u.State)
	}

	// Administrators see users but are not agents' supervisors, so they may
	// not change their state.
	wantStatus(t, e.get("administrator", "/finesse/api/User/1002"), http.StatusOK)
	wantAPIError(t, e.put("administrator", "/finesse/api/User/1002", loginBody("3002")), http.StatusUnauthorized, "Invalid Authorization User Specified", "admin")

	// The per-user configuration resources are the user's own.
	for _, path := range []string{
		"/finesse/api/User/1002/ReasonCodes?category=ALL",
		"/finesse/api/User/1002/ReasonCode/1",
		"/finesse/api/User/1002/WrapUpReasons",
		"/finesse/api/User/1002/WrapUpReason/1",
		"/finesse/api/User/1002/PhoneBooks",
	} {
		wantAPIError(t, e.get("1001", path), http.StatusUnauthorized, "Invalid Authorization User Specified", "1001")
	}
}

// teamTenSupervisorConfig is the demo directory with supervisor 2002, who
// supervises team 10 only.
func teamTenSupervisorConfig(t *testing.T) directory.Config {
	cfg := demoConfig(t)
	cfg.Users = append(cfg.Users, directory.UserConfig{
		ID: "2002", LoginName: "supervisor2", FirstName: "Tess", LastName: "Ten", Password: password,
		Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"10"},
	})
	return cfg
}

func TestInvalidSupervisor(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, teamTenSupervisorConfig(t))

	wantStatus(t, e.get("2002", "/finesse/api/User/1001"), http.StatusOK)
	wantStatus(t, e.get("2002", "/finesse/api/Team/10"), http.StatusOK)

	wantAPIError(t, e.get("2002", "/finesse/api/User/1006"), http.StatusUnauthorized, "Invalid Supervisor", "1006")
	wantAPIError(t, e.get("2002", "/finesse/api/Team/20"), http.StatusUnauthorized, "Invalid Supervisor", "20")

	e.signInReady("1006", "3006")
	last := e.lastEvent()
	wantAPIError(t, e.put("2002", "/finesse/api/User/1006", stateBody("NOT_READY", "")), http.StatusUnauthorized, "Invalid Supervisor", "1006")
	e.wantNoEventAfter(last)

	// The demo supervisor has both teams.
	d := newEnv(t)
	wantStatus(t, d.get("2001", "/finesse/api/User/1001"), http.StatusOK)
	wantStatus(t, d.get("2001", "/finesse/api/User/1006"), http.StatusOK)
	wantStatus(t, d.get("2001", "/finesse/api/Team/20"), http.StatusOK)
}

func TestAuthorizationFailure(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	adminOnly := []string{
		"/finesse/api/Users",
		"/finesse/api/Teams",
		"/finesse/api/ReasonCodes?category=NOT_READY",
		"/finesse/api/ReasonCode/1",
		"/finesse/api/WrapUpReasons",
		"/finesse/api/WrapUpReason/1",
		"/finesse/api/PhoneBooks",
	}
	for _, path := range adminOnly {
		wantAPIError(t, e.get("1001", path), http.StatusUnauthorized, "Authorization Failure", "1001")
		wantAPIError(t, e.get("2001", path), http.StatusUnauthorized, "Authorization Failure", "2001")
		wantStatus(t, e.get("administrator", path), http.StatusOK)
	}

	// Only supervisors and administrators see a team's members.
	wantAPIError(t, e.get("1001", "/finesse/api/Team/10"), http.StatusUnauthorized, "Authorization Failure", "1001")
	wantStatus(t, e.get("administrator", "/finesse/api/Team/10"), http.StatusOK)
}
