package acd_test

import (
	"bytes"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// view is the part of a user the state machine decides.
type view struct {
	State        model.AgentState
	ReasonCodeID string
	PendingState model.AgentState
	Extension    string
}

func viewOf(u model.User) view {
	return view{State: u.State, ReasonCodeID: u.ReasonCodeID, PendingState: u.PendingState, Extension: u.Extension}
}

// The devices the demo users sign in on in these tests.
var deviceFor = map[string]string{"1001": "3001", "1002": "3002", "1006": "3006", "2001": "3020"}

// requireReasonCode is the ErrorData real Finesse answers a state change
// without the reason code it needs with.
const requireReasonCode = "finesse.api.reasoncode.require_reasoncode"

// putIn brings demo user id into state the way a real session would:
// signing in and asking for READY, and for the states only calls reach,
// writing the store as the call side of the engine does.
func putIn(f *fixture, id string, state model.AgentState) {
	f.tb.Helper()
	if state == "" || state == model.StateLogout {
		return
	}
	f.signIn(id, deviceFor[id])
	switch state {
	case model.StateNotReady:
	case model.StateReady:
		f.mustChange(id, id, model.StateReady, "", "")
	default:
		f.putOnState(id, state)
	}
}

var (
	invalidState  = &model.APIError{Type: "Invalid State", Message: "CF_INVALID_OBJECT_STATE", Data: "22"}
	invalidDevice = &model.APIError{Type: "Invalid Device", Message: "CF_INVALID_LOGON_DEVICE_SPECIFIED", Data: "260",
		Peripheral: model.PeripheralError{Code: "0", Text: "Invalid Device", Msg: "extension 4999 is not a device of this system"}}
	deviceBusy = &model.APIError{Type: "Device Busy", Message: "CF_DEVICE_IN_USE", Data: "3001"}
)

// stateCase is one request against the demo directory. Exactly one of
// syncErr, async and want describes the outcome: a synchronous refusal, an
// accepted request refused by an error Update, or the user after success.
type stateCase struct {
	name      string
	uccx      bool
	configure func(*directory.Config)
	from      model.AgentState // the target's state before; "" never signed in
	setup     func(*fixture)
	actor     string // default: the target itself
	target    string // default: 1001, an agent of team 10

	state       model.AgentState
	ext, reason string

	syncErr error
	field   string
	async   *model.APIError
	want    view
}

var stateCases = []stateCase{
	// Sign-in.
	{name: "login", state: model.StateLogin, ext: "3001",
		want: view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: "3001"}},
	{name: "login with + dial string", configure: func(c *directory.Config) { c.Devices = append(c.Devices, "+15550100") },
		state: model.StateLogin, ext: "+15550100",
		want: view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: "+15550100"}},
	{name: "login without extension", state: model.StateLogin, syncErr: acd.ErrParameterMissing, field: "extension"},
	{name: "login on a non dial string", state: model.StateLogin, ext: "30a1", syncErr: acd.ErrBadRequest, field: "extension"},
	{name: "login on a lone +", state: model.StateLogin, ext: "+", syncErr: acd.ErrBadRequest, field: "extension"},
	{name: "login with a reason code", state: model.StateLogin, ext: "3001", reason: "1",
		syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "login on an unknown device", state: model.StateLogin, ext: "4999", async: invalidDevice},
	{name: "login on a busy device", setup: func(f *fixture) { f.signIn("1002", "3001") },
		state: model.StateLogin, ext: "3001", async: deviceBusy},
	{name: "login again keeps READY", from: model.StateReady, state: model.StateLogin, ext: "3001",
		want: view{State: model.StateReady, Extension: "3001"}},
	{name: "login again moves to a new extension and keeps the reason", from: model.StateNotReady,
		setup: func(f *fixture) { f.mustChange("1001", "1001", model.StateNotReady, "", "2") },
		state: model.StateLogin, ext: "3005",
		want: view{State: model.StateNotReady, ReasonCodeID: "2", Extension: "3005"}},
	{name: "login again onto a busy device", from: model.StateReady, setup: func(f *fixture) { f.signIn("1002", "3002") },
		state: model.StateLogin, ext: "3002",
		async: &model.APIError{Type: "Device Busy", Message: "CF_DEVICE_IN_USE", Data: "3002"}},
	{name: "login during a call keeps the call state", from: model.StateTalking, state: model.StateLogin, ext: "3001",
		want: view{State: model.StateTalking, ReasonCodeID: "-1", Extension: "3001"}},

	// READY and NOT_READY.
	{name: "NOT_READY to READY", from: model.StateNotReady, state: model.StateReady,
		want: view{State: model.StateReady, Extension: "3001"}},
	{name: "READY to READY", from: model.StateReady, state: model.StateReady,
		want: view{State: model.StateReady, Extension: "3001"}},
	{name: "READY to NOT_READY", from: model.StateReady, state: model.StateNotReady, reason: "1",
		want: view{State: model.StateNotReady, ReasonCodeID: "1", Extension: "3001"}},
	{name: "NOT_READY changes reason", from: model.StateNotReady,
		setup: func(f *fixture) { f.mustChange("1001", "1001", model.StateNotReady, "", "1") },
		state: model.StateNotReady, reason: "2",
		want: view{State: model.StateNotReady, ReasonCodeID: "2", Extension: "3001"}},
	{name: "NOT_READY without the required reason", from: model.StateReady, state: model.StateNotReady,
		syncErr: acd.ErrParameterMissing, field: requireReasonCode},
	{name: "NOT_READY with a LOGOUT code", from: model.StateReady, state: model.StateNotReady, reason: "4",
		syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "NOT_READY with an unknown code", from: model.StateReady, state: model.StateNotReady, reason: "77",
		syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "READY with a reason code", from: model.StateNotReady, state: model.StateReady, reason: "1",
		syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "NOT_READY without a code when the team has none", configure: onlyTeam20Codes,
		from: model.StateReady, state: model.StateNotReady,
		want: view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: "3001"}},
	{name: "NOT_READY with another team's code", configure: onlyTeam20Codes,
		from: model.StateReady, state: model.StateNotReady, reason: "1",
		syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "NOT_READY without a code on the team that has them", configure: onlyTeam20Codes,
		target: "1006", from: model.StateReady, state: model.StateNotReady,
		syncErr: acd.ErrParameterMissing, field: requireReasonCode},
	{name: "team-less user needs no code when every code is team-limited", configure: onlyTeam20Codes,
		target: "2001", from: model.StateReady, state: model.StateNotReady,
		want: view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: "3020"}},
	{name: "team-less user must give a global code", target: "2001", from: model.StateReady, state: model.StateNotReady,
		syncErr: acd.ErrParameterMissing, field: requireReasonCode},
	{name: "team-less user gives a global code", target: "2001", from: model.StateReady, state: model.StateNotReady, reason: "3",
		want: view{State: model.StateNotReady, ReasonCodeID: "3", Extension: "3020"}},

	// LOGOUT.
	{name: "LOGOUT from NOT_READY", from: model.StateNotReady, state: model.StateLogout, reason: "4",
		want: view{State: model.StateLogout, ReasonCodeID: "4"}},
	{name: "LOGOUT without the required reason", from: model.StateNotReady, state: model.StateLogout,
		syncErr: acd.ErrParameterMissing, field: requireReasonCode},
	{name: "LOGOUT with a NOT_READY code", from: model.StateNotReady, state: model.StateLogout, reason: "1",
		syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "LOGOUT without a code when none is configured", configure: noLogoutCodes,
		from: model.StateNotReady, state: model.StateLogout,
		want: view{State: model.StateLogout, ReasonCodeID: "-1"}},
	{name: "LOGOUT from READY on UCCE", from: model.StateReady, state: model.StateLogout, reason: "4", async: invalidState},
	{name: "LOGOUT from WORK", from: model.StateWork, state: model.StateLogout, reason: "4", async: invalidState},

	// Requests while signed out.
	{name: "READY while signed out", state: model.StateReady, async: invalidState},
	{name: "NOT_READY while signed out", state: model.StateNotReady, reason: "1", async: invalidState},
	// The developer guide's User API errors name this one as a 400.
	{name: "LOGOUT while signed out", state: model.StateLogout, reason: "4", syncErr: acd.ErrInvalidState, field: "state"},
	{name: "WORK while signed out", state: model.StateWork, async: invalidState},
	{name: "READY after signing out", from: model.StateNotReady,
		setup: func(f *fixture) { f.mustChange("1001", "1001", model.StateLogout, "", "4") },
		state: model.StateReady, async: invalidState},

	// Wrap-up.
	{name: "WORK when not on a call", from: model.StateNotReady, state: model.StateWork, async: invalidState},
	{name: "WORK_READY when not on a call", from: model.StateReady, state: model.StateWorkReady, async: invalidState},
	{name: "WORK_READY from WORK", from: model.StateWork, state: model.StateWorkReady, async: invalidState},
	{name: "READY from WORK", from: model.StateWork, state: model.StateReady,
		want: view{State: model.StateReady, Extension: "3001"}},
	{name: "NOT_READY from WORK_READY", from: model.StateWorkReady, state: model.StateNotReady, reason: "1",
		want: view{State: model.StateNotReady, ReasonCodeID: "1", Extension: "3001"}},

	// States no request may name.
	{name: "empty state", from: model.StateNotReady, state: "", syncErr: acd.ErrParameterMissing, field: "state"},
	{name: "unknown state", from: model.StateNotReady, state: "BOGUS", syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "lower-case state", from: model.StateNotReady, state: "ready", syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "TALKING", from: model.StateNotReady, state: model.StateTalking, syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "RESERVED", from: model.StateReady, state: model.StateReserved, syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "HOLD", from: model.StateTalking, state: model.StateHold, syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "UNKNOWN", from: model.StateNotReady, state: model.StateUnknown, syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "unknown state while signed out", state: "BOGUS", syncErr: acd.ErrInvalidInput, field: "state"},

	// A supervisor on an agent of its team.
	{name: "supervisor READY", actor: "2001", from: model.StateNotReady, state: model.StateReady,
		want: view{State: model.StateReady, Extension: "3001"}},
	{name: "supervisor NOT_READY from READY", actor: "2001", from: model.StateReady, state: model.StateNotReady,
		want: view{State: model.StateNotReady, ReasonCodeID: "999", Extension: "3001"}},
	{name: "supervisor NOT_READY from WORK", actor: "2001", from: model.StateWork, state: model.StateNotReady,
		want: view{State: model.StateNotReady, ReasonCodeID: "999", Extension: "3001"}},
	{name: "supervisor NOT_READY from WORK_READY", actor: "2001", target: "1006", from: model.StateWorkReady,
		state: model.StateNotReady, want: view{State: model.StateNotReady, ReasonCodeID: "999", Extension: "3006"}},
	{name: "supervisor NOT_READY from NOT_READY", actor: "2001", from: model.StateNotReady, state: model.StateNotReady,
		async: invalidState},
	{name: "supervisor LOGOUT from READY", actor: "2001", from: model.StateReady, state: model.StateLogout,
		want: view{State: model.StateLogout, ReasonCodeID: "999"}},
	{name: "supervisor LOGOUT from NOT_READY", actor: "2001", from: model.StateNotReady, state: model.StateLogout,
		want: view{State: model.StateLogout, ReasonCodeID: "999"}},
	{name: "supervisor LOGOUT from WORK", actor: "2001", from: model.StateWork, state: model.StateLogout,
		want: view{State: model.StateLogout, ReasonCodeID: "999"}},
	{name: "supervisor on a signed-out agent", actor: "2001", state: model.StateReady, async: invalidState},
	{name: "supervisor LOGIN", actor: "2001", state: model.StateLogin, ext: "3001",
		syncErr: acd.ErrInvalidState, field: "state"},
	{name: "supervisor WORK", actor: "2001", from: model.StateReady, state: model.StateWork,
		syncErr: acd.ErrInvalidState, field: "state"},
	{name: "supervisor WORK_READY", actor: "2001", from: model.StateReady, state: model.StateWorkReady,
		syncErr: acd.ErrInvalidState, field: "state"},
	{name: "supervisor TALKING", actor: "2001", from: model.StateReady, state: model.StateTalking,
		syncErr: acd.ErrInvalidInput, field: "state"},
	{name: "supervisor without a state", actor: "2001", from: model.StateReady, state: "",
		syncErr: acd.ErrParameterMissing, field: "state"},
	{name: "supervisor with a NOT_READY code", actor: "2001", from: model.StateReady, state: model.StateNotReady,
		reason: "1", syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "supervisor with a LOGOUT code", actor: "2001", from: model.StateNotReady, state: model.StateLogout,
		reason: "4", syncErr: acd.ErrInvalidInput, field: "reasonCodeId"},
	{name: "supervisor on itself is not forced", actor: "2001", target: "2001", from: model.StateReady,
		state: model.StateNotReady, reason: "2",
		want: view{State: model.StateNotReady, ReasonCodeID: "2", Extension: "3020"}},

	// Who may not.
	{name: "supervisor outside its teams", configure: addSupervisorOf20, actor: "2002", from: model.StateReady,
		state: model.StateNotReady, syncErr: acd.ErrInvalidSupervisor, field: "1001"},
	{name: "supervisor of the team", configure: addSupervisorOf20, actor: "2002", target: "1006", from: model.StateReady,
		state: model.StateNotReady, want: view{State: model.StateNotReady, ReasonCodeID: "999", Extension: "3006"}},
	{name: "agent on another agent", actor: "1002", from: model.StateReady, state: model.StateNotReady, reason: "1",
		syncErr: acd.ErrNotYourUser, field: "1002"},
	{name: "admin on an agent", actor: "admin", from: model.StateNotReady, state: model.StateReady,
		syncErr: acd.ErrNotYourUser, field: "admin"},
	{name: "admin on itself", actor: "admin", target: "admin", state: model.StateLogin, ext: "3001",
		syncErr: acd.ErrNotAuthorized, field: "admin"},
	{name: "unknown user", target: "9999", actor: "1001", state: model.StateReady,
		syncErr: acd.ErrUserNotFound, field: "9999"},

	// During a call a request waits as the pending state.
	{name: "READY during a call", from: model.StateTalking, state: model.StateReady,
		want: view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateReady, Extension: "3001"}},
	{name: "NOT_READY during a call", from: model.StateTalking, state: model.StateNotReady, reason: "2",
		want: view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateNotReady, Extension: "3001"}},
	{name: "READY while on hold", from: model.StateHold, state: model.StateReady,
		want: view{State: model.StateHold, ReasonCodeID: "-1", PendingState: model.StateReady, Extension: "3001"}},
	{name: "NOT_READY while reserved", from: model.StateReserved, state: model.StateNotReady, reason: "1",
		want: view{State: model.StateReserved, ReasonCodeID: "-1", PendingState: model.StateNotReady, Extension: "3001"}},
	// UCCE lets an agent the dialer holds for a customer leave at once
	// (finesse-api.md 6.4, RESERVED_OUTBOUND); the preview below waits.
	{name: "READY while reserved outbound", from: model.StateReservedOutbound, state: model.StateReady,
		want: view{State: model.StateReady, Extension: "3001"}},
	{name: "NOT_READY while reserved for a preview", from: model.StateReservedOutboundPreview, state: model.StateNotReady, reason: "1",
		want: view{State: model.StateReservedOutboundPreview, ReasonCodeID: "-1", PendingState: model.StateNotReady, Extension: "3001"}},
	{name: "pending state replaced", from: model.StateTalking,
		setup: func(f *fixture) { f.mustChange("1001", "1001", model.StateNotReady, "", "1") },
		state: model.StateReady,
		want:  view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateReady, Extension: "3001"}},
	{name: "NOT_READY during a call still needs its reason", from: model.StateTalking, state: model.StateNotReady,
		syncErr: acd.ErrParameterMissing, field: requireReasonCode},
	// Finesse lets an agent sign out only from NOT_READY, and never lets a
	// user ask for WORK or WORK_READY, so neither waits for the call to end.
	{name: "LOGOUT during a call", from: model.StateTalking, state: model.StateLogout, reason: "4", async: invalidState},
	// Team 10's incoming wrap-up is OPTIONAL: asking for it during a call
	// makes it the pending state (NOT_ALLOWED refuses it; see wrap-up tests).
	{name: "WORK during a call", from: model.StateTalking, state: model.StateWork,
		want: view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateWork, Extension: "3001"}},
	{name: "WORK_READY during a call", from: model.StateTalking, state: model.StateWorkReady,
		want: view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateWorkReady, Extension: "3001"}},
	{name: "supervisor LOGOUT during a call", actor: "2001", from: model.StateTalking, state: model.StateLogout,
		want: view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateLogout, Extension: "3001"}},
	{name: "supervisor READY during a call", actor: "2001", from: model.StateHold, state: model.StateReady,
		want: view{State: model.StateHold, ReasonCodeID: "-1", PendingState: model.StateReady, Extension: "3001"}},
	{name: "supervisor NOT_READY during a call", actor: "2001", from: model.StateTalking, state: model.StateNotReady,
		async: invalidState},

	// UCCX differs in LOGOUT from READY and in the supervisor codes.
	{name: "UCCX login", uccx: true, state: model.StateLogin, ext: "3001",
		want: view{State: model.StateNotReady, ReasonCodeID: "-1", Extension: "3001"}},
	{name: "UCCX LOGOUT from READY", uccx: true, from: model.StateReady, state: model.StateLogout, reason: "4",
		want: view{State: model.StateLogout, ReasonCodeID: "4"}},
	{name: "UCCX LOGOUT from NOT_READY", uccx: true, from: model.StateNotReady, state: model.StateLogout, reason: "4",
		want: view{State: model.StateLogout, ReasonCodeID: "4"}},
	{name: "UCCX LOGOUT from WORK", uccx: true, from: model.StateWork, state: model.StateLogout, reason: "4",
		async: invalidState},
	{name: "UCCX supervisor NOT_READY", uccx: true, actor: "2001", from: model.StateReady, state: model.StateNotReady,
		want: view{State: model.StateNotReady, ReasonCodeID: "33", Extension: "3001"}},
	{name: "UCCX supervisor LOGOUT", uccx: true, actor: "2001", from: model.StateReady, state: model.StateLogout,
		want: view{State: model.StateLogout, ReasonCodeID: "22"}},
	{name: "UCCX supervisor LOGOUT during a call", uccx: true, actor: "2001", from: model.StateTalking,
		state: model.StateLogout,
		want:  view{State: model.StateTalking, ReasonCodeID: "-1", PendingState: model.StateLogout, Extension: "3001"}},
	{name: "UCCX supervisor NOT_READY from NOT_READY", uccx: true, actor: "2001", from: model.StateNotReady,
		state: model.StateNotReady, async: invalidState},
	{name: "UCCX READY while signed out", uccx: true, state: model.StateReady, async: invalidState},
}

func onlyTeam20Codes(c *directory.Config) {
	for i := range c.Reasons {
		c.Reasons[i].Teams = []string{"20"}
	}
}

func noLogoutCodes(c *directory.Config) {
	var keep []directory.ReasonConfig
	for _, r := range c.Reasons {
		if r.Category != model.CategoryLogout {
			keep = append(keep, r)
		}
	}
	c.Reasons = keep
}

func addSupervisorOf20(c *directory.Config) {
	c.Users = append(c.Users, directory.UserConfig{
		ID: "2002", LoginName: "supervisor2", Password: "finesse",
		Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"20"},
	})
}

func TestStateMachine(t *testing.T) {
	for _, c := range stateCases {
		t.Run(c.name, func(t *testing.T) { runStateCase(t, c) })
	}
}

func runStateCase(t *testing.T, c stateCase) {
	cfg := demoConfig(t)
	if c.uccx {
		cfg.Settings.DeploymentType = "UCCX"
	}
	if c.configure != nil {
		c.configure(&cfg)
	}
	f := newFixture(t, cfg)
	target := c.target
	if target == "" {
		target = "1001"
	}
	actor := c.actor
	if actor == "" {
		actor = target
	}
	putIn(f, target, c.from)
	if c.setup != nil {
		c.setup(f)
	}
	_, known := f.eng.Directory().User(target)
	var before model.User
	if known {
		before = f.get(target)
	}
	lastBefore := f.last()

	rid, err := f.change(actor, target, c.state, c.ext, c.reason)

	if c.syncErr != nil {
		wantRefusal(t, err, c.syncErr, c.field)
		if got := f.last(); got != lastBefore {
			t.Errorf("a synchronous refusal committed events %d..%d", lastBefore+1, got)
		}
		if known && viewOf(f.get(target)) != viewOf(before) {
			t.Errorf("a synchronous refusal changed the user: %+v, was %+v", viewOf(f.get(target)), viewOf(before))
		}
		return
	}
	if err != nil {
		t.Fatalf("ChangeState: %v", err)
	}
	evs := f.eventsAfter(lastBefore)
	if len(evs) != 1 {
		t.Fatalf("an accepted request committed %d events, want 1", len(evs))
	}
	ev := evs[0]
	up := parseUpdate(t, ev)
	userNode := "/finesse/api/User/" + target
	if up.RequestID != rid || up.Source != userNode || up.Event != model.EventPut {
		t.Errorf("Update requestId %q source %q event %q, want %q %q %q",
			up.RequestID, up.Source, up.Event, rid, userNode, model.EventPut)
	}

	if c.async != nil {
		if len(up.Errors) != 1 || up.Errors[0] != *c.async {
			t.Fatalf("error Update carries %+v, want %+v\n%s", up.Errors, *c.async, ev.Payload)
		}
		if up.Data != nil {
			t.Errorf("error Update also carries <%s>", up.Data.Tag)
		}
		// Live servers send the event of an error Update in lower case.
		if !bytes.Contains(ev.Payload, []byte("<event>put</event>")) {
			t.Errorf("error Update without <event>put</event>:\n%s", ev.Payload)
		}
		if !sameNodes(ev.Nodes, userNode) {
			t.Errorf("error Update addressed to %v, want only %s", ev.Nodes, userNode)
		}
		if after := f.get(target); viewOf(after) != viewOf(before) || !after.StateChangeTime.Equal(before.StateChangeTime) {
			t.Errorf("a refused request changed the user: %+v, was %+v", viewOf(after), viewOf(before))
		}
		return
	}

	if len(up.Errors) > 0 {
		t.Fatalf("refused asynchronously with %+v, want %+v", up.Errors, c.want)
	}
	wantNodes := []string{userNode}
	if team := f.user(target).Team; team != nil {
		wantNodes = append(wantNodes, model.TeamUsersNode(team.ID))
	}
	if !sameNodes(ev.Nodes, wantNodes...) {
		t.Errorf("Update addressed to %v, want %v", ev.Nodes, wantNodes)
	}
	got := parseUserData(t, up)
	if viewOf(got) != c.want {
		t.Errorf("Update carries %+v, want %+v", viewOf(got), c.want)
	}
	if got.ID != target {
		t.Errorf("Update carries user %q, want %q", got.ID, target)
	}
	if stored := f.get(target); viewOf(stored) != c.want {
		t.Errorf("GET after the request: %+v, want %+v", viewOf(stored), c.want)
	}
}
