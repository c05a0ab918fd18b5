package acd_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// monitor has supervisor 2001 start a silent monitor of ext from 3011
// and returns the requestId it used.
func (f *fixture) monitor(ext string) string {
	f.tb.Helper()
	rid := fmt.Sprintf("sm-%d", f.reqs.Add(1))
	err := f.eng.SilentMonitor(context.Background(), f.user("2001"), acd.MonitorRequest{
		SupervisorID: "2001", From: "3011", To: ext, RequestID: rid,
	})
	if err != nil {
		f.tb.Fatalf("SilentMonitor %s: %v", ext, err)
	}
	return rid
}

// barge has 2001 barge in from its monitor dialog.
func (f *fixture) barge(monitor string) string {
	f.tb.Helper()
	rid := fmt.Sprintf("barge-%d", f.reqs.Add(1))
	err := f.eng.Barge(context.Background(), f.user("2001"), acd.MonitorRequest{
		SupervisorID: "2001", Monitor: model.DialogURI(monitor), RequestID: rid,
	})
	if err != nil {
		f.tb.Fatalf("Barge: %v", err)
	}
	return rid
}

// supEv is the User Update for 2001, who is on no team: only its own node.
func supEv(state model.AgentState, reason, rid string) string {
	return fmt.Sprintf("PUT User/2001 rid=%s on User/2001: %s reason=%s pending=", rid, state, reason)
}

// talkingWith1001 is 1001 answering a routed call from 5551234 while
// supervisor 2001 is signed in on 3011, NOT_READY; it returns the call.
func talkingWith1001(f *fixture) acd.Call {
	f.ready("1001", "3001")
	f.signIn("2001", "3011")
	c := f.inject("100", "5551234")
	f.act("1001", c.DialogID, "ANSWER")
	return c
}

// Scenario (issue #18, Done means): 2001 monitors 1001's call, barges in,
// and drops 1001, keeping the customer; the customer hangs up and 2001 is
// back NOT_READY as before it monitored.
func TestMonitorBargeIntercept(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	c := talkingWith1001(f)
	id := c.DialogID
	talking := dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", "ACTIVE", actsActive...))
	mark := f.last()

	rid := f.monitor("3001")
	m := f.dialogOf("2001")
	monitoring := dlg(m.ID, "ACTIVE", "SUPERVISOR_MONITOR", "3011", "3001", party("3011", "ACTIVE", "BARGE_CALL", "DROP"), party("3001", "ACTIVE"))
	mark = f.stepEvents(t, "monitoring", mark,
		dialogsEv("POST", "2001", rid, monitoring),
		supEv(model.StateTalking, "", rid),
	)
	if d := f.dialogView("1001", id); describeDialog(d) != talking {
		t.Fatalf("1001's call while monitored: %s", describeDialog(d))
	}
	f.wantState("1001", model.StateTalking, "")

	rid = f.barge(m.ID)
	dropped := dlg(m.ID, "DROPPED", "SUPERVISOR_MONITOR", "3011", "3001", party("3011", "DROPPED"), party("3001", "DROPPED"))
	conference := dlg(id, "ACTIVE", "CONFERENCE", "5551234", "8000", party("5551234", "ACTIVE"),
		party("3001", "ACTIVE", actsActive...), party("3011", "ACTIVE", append(actsActive, "PARTICIPANT_DROP")...))
	mark = f.stepEvents(t, "barged in", mark,
		dialogPutEv(m.ID, rid, dropped, "2001"),
		dialogsEv("DELETE", "2001", rid, dropped),
		dialogsEv("POST", "2001", rid, conference),
		dialogPutEv(id, rid, conference, "1001", "2001"),
		supEv(model.StateTalking, "", rid),
	)

	rid = fmt.Sprintf("drop-%d", f.reqs.Add(1))
	err := f.eng.DialogAction(context.Background(), f.user("2001"), acd.DialogRequest{
		DialogID: id, Action: "PARTICIPANT_DROP", TargetMediaAddress: "3001", RequestID: rid,
	})
	if err != nil {
		t.Fatal(err)
	}
	intercepted := dlg(id, "ACTIVE", "CONFERENCE", "5551234", "8000", party("5551234", "ACTIVE"),
		party("3001", "DROPPED"), party("3011", "ACTIVE", actsActive...))
	mark = f.stepEvents(t, "intercepted", mark,
		dialogPutEv(id, rid, intercepted, "2001", "1001"),
		dialogsEv("DELETE", "1001", rid, intercepted),
		userEv("1001", model.StateReady, "", "", rid),
	)
	f.wantCall(c.ID, acd.CallConnected, "2001")

	f.hangUp(c.ID)
	ended := dlg(id, "DROPPED", "CONFERENCE", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"), party("3011", "DROPPED"))
	f.stepEvents(t, "customer hung up", mark,
		dialogPutEv(id, "", ended, "2001"),
		dialogsEv("DELETE", "2001", "", ended),
		supEv(model.StateNotReady, "-1", ""),
	)
	f.wantState("2001", model.StateNotReady, "-1")
}

// A monitor ends when the monitored agent's call ends, and when the
// supervisor drops it; either way the supervisor is NOT_READY again and
// the agent heard of none of it.
func TestMonitorEnds(t *testing.T) {
	for _, by := range []string{"customer", "supervisor"} {
		t.Run(by, func(t *testing.T) {
			f := newFixture(t, demoConfig(t))
			c := talkingWith1001(f)
			f.monitor("3001")
			m := f.dialogOf("2001")
			mark := f.last()
			rid := ""
			if by == "customer" {
				f.hangUp(c.ID)
			} else {
				rid = f.act("2001", m.ID, "DROP")
			}
			dropped := dlg(m.ID, "DROPPED", "SUPERVISOR_MONITOR", "3011", "3001", party("3011", "DROPPED"), party("3001", "DROPPED"))
			monitorEnds := []string{
				dialogPutEv(m.ID, rid, dropped, "2001"),
				dialogsEv("DELETE", "2001", rid, dropped),
				supEv(model.StateNotReady, "-1", rid),
			}
			want := monitorEnds
			if by == "customer" {
				// The monitor ends as the agent leaves the call.
				ended := dlg(c.DialogID, "DROPPED", "ACD_IN", "5551234", "8000", party("5551234", "DROPPED"), party("3001", "DROPPED"))
				want = append([]string{dialogPutEv(c.DialogID, "", ended, "1001")}, monitorEnds...)
				want = append(want, dialogsEv("DELETE", "1001", "", ended), userEv("1001", model.StateReady, "", "", ""))
			}
			f.stepEvents(t, "monitor ended", mark, want...)
			f.wantState("2001", model.StateNotReady, "-1")
		})
	}
}

// A transfer takes the agent off the call: the monitor of the agent ends.
func TestMonitorEndsWithTransfer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	c := talkingWith1001(f)
	f.signIn("1002", "3002")
	f.monitor("3001")
	f.actTo("1001", c.DialogID, "TRANSFER_SST", "3002")
	if n := len(f.userDialogs("2001")); n != 0 {
		t.Fatalf("2001 keeps %d dialogs after the agent transferred", n)
	}
	f.wantState("2001", model.StateNotReady, "-1")
}

// What SILENT_MONITOR refuses: synchronously what the request alone shows
// (or a team the supervisor does not supervise), asynchronously on the
// supervisor's Dialogs node what the phone system would.
func TestMonitorRefusals(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Users = append(cfg.Users, directory.UserConfig{
		ID: "2002", LoginName: "supervisor2", Password: "finesse", Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"20"},
	})
	f := newFixture(t, cfg)
	talkingWith1001(f)
	f.signIn("2002", "3012")
	mon := func(actor, sup, from, to string) error {
		return f.eng.SilentMonitor(context.Background(), f.user(actor), acd.MonitorRequest{SupervisorID: sup, From: from, To: to, RequestID: "r"})
	}
	for name, c := range map[string]struct {
		actor, sup, from, to string
		kind                 error
	}{
		"not a supervisor":   {"1001", "1001", "3001", "3002", acd.ErrNotAuthorized},
		"for another":        {"2002", "2001", "3011", "3001", acd.ErrNotYourUser},
		"no toAddress":       {"2001", "2001", "3011", "", acd.ErrParameterMissing},
		"no fromAddress":     {"2001", "2001", "", "3001", acd.ErrParameterMissing},
		"not its extension":  {"2001", "2001", "3012", "3001", acd.ErrInvalidInput},
		"another team":       {"2002", "2002", "3012", "3001", acd.ErrInvalidSupervisor},
		"itself":             {"2001", "2001", "3011", "3011", acd.ErrInvalidDestination},
		"no such supervisor": {"2001", "2999", "3011", "3001", acd.ErrUserNotFound},
	} {
		if err := mon(c.actor, c.sup, c.from, c.to); !errors.Is(err, c.kind) {
			t.Errorf("%s: %v, want %v", name, err, c.kind)
		}
	}

	mark := f.last()
	f.ready("1002", "3002")
	mark = f.last()
	if err := mon("2001", "2001", "3011", "3002"); err != nil { // 1002 READY, not TALKING
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, errEv("Dialog/", "User/2001/Dialogs", "r", "Invalid State", "CF_INVALID_OBJECT_STATE"))
	if err := mon("2001", "2001", "3011", "3005"); err != nil { // nobody on 3005
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, errEv("Dialog/", "User/2001/Dialogs", "r", "13145", "unable to monitor extension 3005"))
	f.mustChange("2001", "2001", model.StateReady, "", "")
	mark = f.last()
	if err := mon("2001", "2001", "3011", "3001"); err != nil { // the supervisor READY
		t.Fatal(err)
	}
	f.wantEvents(mark, errEv("Dialog/", "User/2001/Dialogs", "r", "Invalid State", "CF_INVALID_OBJECT_STATE"))
	f.wantState("1001", model.StateTalking, "")
}

// A call already monitored cannot be monitored again, nor can a monitor
// call itself.
func TestMonitorOnce(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Users = append(cfg.Users, directory.UserConfig{
		ID: "2002", LoginName: "supervisor2", Password: "finesse", Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"10"},
	})
	f := newFixture(t, cfg)
	talkingWith1001(f)
	f.monitor("3001")
	f.signIn("2002", "3012")
	mark := f.last()
	err := f.eng.SilentMonitor(context.Background(), f.user("2002"), acd.MonitorRequest{SupervisorID: "2002", From: "3012", To: "3001", RequestID: "again"})
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark, errEv("Dialog/", "User/2002/Dialogs", "again", "13145", "unable to monitor extension 3001"))
	if n := len(f.userDialogs("2002")); n != 0 {
		t.Fatalf("a second monitor of the same call: %d dialogs", n)
	}
}

// On UCCX the supervisor stays NOT_READY while it monitors, and the phone
// system's refusal carries UCCX's code.
func TestMonitorOnUCCX(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Settings.DeploymentType = "UCCX"
	f := newFixture(t, cfg)
	talkingWith1001(f)
	f.monitor("3001")
	f.wantState("2001", model.StateNotReady, "-1")
	if n := len(f.userDialogs("2001")); n != 1 {
		t.Fatalf("2001 has %d dialogs while monitoring", n)
	}
	mark := f.last()
	err := f.eng.SilentMonitor(context.Background(), f.user("2001"), acd.MonitorRequest{SupervisorID: "2001", From: "3011", To: "3005", RequestID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	f.wantEvents(mark, errEv("Dialog/", "User/2001/Dialogs", "r", "Invalid State", "CF_INVALID_OBJECT_STATE"))
}

// PARTICIPANT_DROP is offered, and allowed, as enableDropParticipantFor
// says: by default only to the supervisor who barged in; with
// conference_controller_and_supervisor to the agent who set the call up
// too; with all to every agent on the conference.
func TestParticipantDropPolicy(t *testing.T) {
	for _, c := range []struct {
		policy       string
		agentMayDrop bool
	}{
		{directory.DropBySupervisor, false},
		{directory.DropByControllerAndSupervisor, true},
		{directory.DropByAll, true},
	} {
		t.Run(c.policy, func(t *testing.T) {
			cfg := demoConfig(t)
			cfg.Settings.EnableDropParticipantFor = c.policy
			f := newFixture(t, cfg)
			call := talkingWith1001(f)
			f.monitor("3001")
			f.barge(f.dialogOf("2001").ID)
			if got := hasAction(f.dialogView("1001", call.DialogID), "3001", "PARTICIPANT_DROP"); got != c.agentMayDrop {
				t.Fatalf("1001 offered PARTICIPANT_DROP: %v, want %v", got, c.agentMayDrop)
			}
			mark := f.last()
			err := f.eng.DialogAction(context.Background(), f.user("1001"), acd.DialogRequest{
				DialogID: call.DialogID, Action: "PARTICIPANT_DROP", TargetMediaAddress: "3011", RequestID: "x",
			})
			if err != nil {
				t.Fatal(err)
			}
			if c.agentMayDrop {
				f.wantState("2001", model.StateNotReady, "-1")
				return
			}
			f.wantEvents(mark, errEv("Dialog/"+call.DialogID, "User/1001/Dialogs", "x", "Generic Error", "INVALID_ACTION PARTICIPANT_DROP on extension 3011"))
			f.wantState("2001", model.StateTalking, "")
		})
	}
}
