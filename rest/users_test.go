package rest_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/model"
)

func TestStateChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	steps := []struct {
		name, body, requestID string
		state                 model.AgentState
		reasonCodeID          string
		extension             string
		reasonCode            int // 0: no ReasonCode element
	}{
		{"sign in", loginBody("3001"), "req-login", model.StateNotReady, "-1", "3001", 0},
		{"ready", stateBody("READY", ""), "req-ready", model.StateReady, "", "3001", 0},
		{"not ready", stateBody("NOT_READY", "2"), "req-notready", model.StateNotReady, "2", "3001", 2},
		{"sign out", stateBody("LOGOUT", "4"), "req-logout", model.StateLogout, "4", "", 4},
	}
	for _, s := range steps {
		// A new time for each step shows that each one stamps the change.
		e.clock.Advance(time.Minute)
		last := e.lastEvent()
		r := e.put("1001", "/finesse/api/User/1001", s.body, "requestId", s.requestID)
		wantStatus(t, r, http.StatusAccepted)
		if len(r.body) != 0 {
			t.Errorf("%s: 202 body %q, want empty", s.name, r.body)
		}
		// The desktop matches the event to its request by this header.
		if got := r.header.Get("requestId"); got != s.requestID {
			t.Errorf("%s: requestId header %q, want %q", s.name, got, s.requestID)
		}

		ev := e.onlyEventAfter(last)
		if want := []string{"/finesse/api/User/1001", "/finesse/api/Team/10/Users"}; !slices.Equal(ev.Nodes, want) {
			t.Errorf("%s: event nodes %q, want %q", s.name, ev.Nodes, want)
		}
		upd := parseUpdate(t, ev)
		if upd.RequestID != s.requestID || upd.Event != model.EventPut || upd.Source != "/finesse/api/User/1001" {
			t.Errorf("%s: update requestId/event/source %q %q %q, want %q PUT /finesse/api/User/1001", s.name, upd.RequestID, upd.Event, upd.Source, s.requestID)
		}
		e.wantUserUpdate(ev, s.state)

		u := e.user("1001", "1001")
		if u.State != s.state || u.ReasonCodeID != s.reasonCodeID || u.Extension != s.extension {
			t.Errorf("%s: GET shows state %s reasonCodeId %q extension %q, want %s %q %q", s.name, u.State, u.ReasonCodeID, u.Extension, s.state, s.reasonCodeID, s.extension)
		}
		if !u.StateChangeTime.Equal(e.clock.Now()) {
			t.Errorf("%s: stateChangeTime %v, want %v", s.name, u.StateChangeTime, e.clock.Now())
		}
		switch {
		case s.reasonCode == 0 && u.ReasonCode != nil:
			t.Errorf("%s: ReasonCode %+v, want none", s.name, *u.ReasonCode)
		case s.reasonCode != 0 && (u.ReasonCode == nil || u.ReasonCode.Code != s.reasonCode || u.ReasonCode.SystemCode):
			t.Errorf("%s: ReasonCode %+v, want configured code %d", s.name, u.ReasonCode, s.reasonCode)
		}
	}
}

func TestStateChangeWithoutRequestID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	last := e.lastEvent()
	r := e.put("1001", "/finesse/api/User/1001", loginBody("3001"))
	wantStatus(t, r, http.StatusAccepted)
	if _, ok := r.header["Requestid"]; ok {
		t.Errorf("requestId header %q sent back for a request without one", r.header.Get("requestId"))
	}
	if upd := parseUpdate(t, e.onlyEventAfter(last)); upd.RequestID != "" {
		t.Errorf("update requestId %q, want empty", upd.RequestID)
	}
}

// A refusal that depends on the agent's state is not the request's fault:
// Finesse accepts the request and reports the refusal as an event.
func TestAsyncRefusals(t *testing.T) {
	t.Parallel()
	invalidState := model.APIError{Type: "Invalid State", Message: "CF_INVALID_OBJECT_STATE", Data: "22"}
	e := newEnv(t)

	refused := func(user, body, requestID string, want model.APIError) {
		t.Helper()
		last := e.lastEvent()
		r := e.put(user, "/finesse/api/User/"+user, body, "requestId", requestID)
		wantStatus(t, r, http.StatusAccepted)
		if len(r.body) != 0 {
			t.Errorf("202 body %q, want empty", r.body)
		}
		wantErrorUpdate(t, e.onlyEventAfter(last), user, requestID, want)
	}

	refused("1001", stateBody("READY", ""), "r1", invalidState)
	if u := e.user("1001", "1001"); u.State != model.StateLogout {
		t.Errorf("1001 is %s after a refused READY, want LOGOUT", u.State)
	}

	e.signInReady("1001", "3001")
	// UCCE agents must go NOT_READY before signing out.
	refused("1001", stateBody("LOGOUT", "4"), "r2", invalidState)
	if u := e.user("1001", "1001"); u.State != model.StateReady || u.Extension != "3001" {
		t.Errorf("1001 is %s on %q after a refused LOGOUT, want READY on 3001", u.State, u.Extension)
	}

	refused("1002", loginBody("3999"), "r3", model.APIError{Type: "Invalid Device", Message: "CF_INVALID_LOGON_DEVICE_SPECIFIED", Data: "260",
		Peripheral: model.PeripheralError{Code: "0", Text: "Invalid Device", Msg: "extension 3999 is not a device of this system"}})
	refused("1002", loginBody("3001"), "r4", model.APIError{Type: "Device Busy", Message: "CF_DEVICE_IN_USE", Data: "3001"})
	if u := e.user("1002", "1002"); u.State != model.StateLogout || u.Extension != "" {
		t.Errorf("1002 is %s on %q after refused sign-ins, want LOGOUT", u.State, u.Extension)
	}
}

func TestSupervisorForcesNotReady(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signInReady("1006", "3006")

	last := e.lastEvent()
	r := e.put("2001", "/finesse/api/User/1006", stateBody("NOT_READY", ""), "requestId", "force-1")
	wantStatus(t, r, http.StatusAccepted)
	if upd := parseUpdate(t, e.onlyEventAfter(last)); upd.RequestID != "force-1" {
		t.Errorf("update requestId %q, want force-1", upd.RequestID)
	}

	u := e.user("2001", "1006")
	if u.State != model.StateNotReady || u.ReasonCodeID != "999" {
		t.Fatalf("1006 is %s with reasonCodeId %q, want NOT_READY 999", u.State, u.ReasonCodeID)
	}
	if u.ReasonCode == nil || u.ReasonCode.Code != 999 || !u.ReasonCode.SystemCode || u.ReasonCode.Category != model.CategoryNotReady {
		t.Errorf("ReasonCode %+v, want system NOT_READY code 999", u.ReasonCode)
	}
}

func TestGetUserByLoginName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, actor := range []string{"1001", "agent1", "2001", "administrator"} {
		if u := e.user(actor, "agent1"); u.ID != "1001" || u.LoginName != "agent1" || u.TeamID != "10" {
			t.Errorf("as %s: /User/agent1 is %s (%s) on team %q, want 1001 (agent1) on 10", actor, u.ID, u.LoginName, u.TeamID)
		}
	}
}

// A change addressed by loginName changes that user, as GET finds it, and
// is published on its loginId's node; a name nobody has is 404.
func TestPutUserByLoginName(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.wantUserUpdate(e.accept("1001", "agent1", loginBody("3001")), model.StateNotReady)
	if u := e.user("1001", "1001"); u.State != model.StateNotReady || u.Extension != "3001" {
		t.Fatalf("1001 after a sign-in addressed to agent1: %s on %q", u.State, u.Extension)
	}
	wantAPIError(t, e.put("1001", "/finesse/api/User/nobody", loginBody("3001")), http.StatusNotFound, "User Not Found", "nobody")
}

func TestSupervisorUserListsTeams(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u := e.user("2001", "2001")
	want := []model.TeamRef{{ID: "10", Name: "Sales"}, {ID: "20", Name: "Support"}}
	if !slices.Equal(u.Teams, want) || !u.HasRole(model.RoleSupervisor) {
		t.Errorf("2001 teams %+v roles %v, want %+v and Supervisor", u.Teams, u.Roles, want)
	}
}

// Desktops add a cache-busting query parameter to every request.
func TestQueryParametersIgnored(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	u, err := model.ParseUser(parseOK(t, e.get("1001", "/finesse/api/User/1001?nocache=123"), "User"))
	if err != nil || u.ID != "1001" {
		t.Errorf("GET with nocache: user %q, %v", u.ID, err)
	}
	e.wantUserUpdate(e.accept("1001", "1001?nocache=456", loginBody("3001")), model.StateNotReady)
}

func TestUsers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	users := children(t, parseOK(t, e.get("administrator", "/finesse/api/Users"), "Users"), model.ParseUser)
	var ids []string
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	want := []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009", "1010", "2001", "admin"}
	if !slices.Equal(ids, want) {
		t.Errorf("Users lists %q, want %q", ids, want)
	}
}

// The benchmarks call ServeHTTP directly so that they measure the handler
// (authentication, routing, XML, the engine and metrics), not the socket.
func BenchmarkPutUserState(b *testing.B) {
	e := newServer(b, demoConfig(b))
	if rec := serve(e.srv, http.MethodPut, "/finesse/api/User/1001", "1001", loginBody("3001")); rec.Code != http.StatusAccepted {
		b.Fatalf("sign-in: %d %s", rec.Code, rec.Body)
	}
	bodies := []string{stateBody("READY", ""), stateBody("NOT_READY", "2")}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPut, "/finesse/api/User/1001", strings.NewReader(bodies[i%2]))
		req.SetBasicAuth("1001", password)
		req.Header.Set("Content-Type", "application/xml")
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusAccepted {
			b.Fatalf("PUT: %d %s", rec.Code, rec.Body)
		}
		i++
	}
}

func BenchmarkGetUser(b *testing.B) {
	e := newServer(b, demoConfig(b))
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/finesse/api/User/1001", nil)
		req.SetBasicAuth("1001", password)
		rec := httptest.NewRecorder()
		e.srv.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET: %d %s", rec.Code, rec.Body)
		}
	}
}
