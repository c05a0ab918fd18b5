package acd_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// A voice call interrupts the chat a user works in an interruptible MRD
// it signed in to with interruptAction ACCEPT: the task and the MRD are
// INTERRUPTED from the offer to the end of the call, the task allows no
// action meanwhile, and then it is ACTIVE again. A user who signed in
// with IGNORE goes on chatting through its call.
func TestMediaInterruptedByVoiceCall(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	activeTask := func(user, interrupt string) string {
		t.Helper()
		err := f.eng.ChangeMedia(ctx, f.user(user), acd.MediaRequest{User: user, MRD: "5000", State: "LOGIN", MaxDialogs: 1, InterruptAction: interrupt})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.media(user, "READY", ""); err != nil {
			t.Fatal(err)
		}
		task := f.task(user + "@example.com")
		for _, action := range []string{"ACCEPT", "START"} {
			if err := f.eng.DialogAction(ctx, f.user(user), acd.DialogRequest{DialogID: task.DialogID, Action: action, TargetMediaAddress: user}); err != nil {
				t.Fatalf("%s %s: %v", user, action, err)
			}
		}
		return task.DialogID
	}
	taskState := func(user, id string) model.Dialog {
		t.Helper()
		ds, err := f.eng.MediaDialogs(ctx, f.user(user), user, "5000")
		if err != nil || len(ds) != 1 || ds[0].ID != id {
			t.Fatalf("%s's tasks: %+v %v", user, ds, err)
		}
		return ds[0]
	}

	chat := activeTask("1003", "")
	f.ready("1003", "3003")
	mark := f.last()
	call := f.inject("100", "5551000")
	f.wantState("1003", model.StateReserved, "")
	if d := taskState("1003", chat); d.State != "INTERRUPTED" || len(d.Participants[0].Actions) != 0 {
		t.Fatalf("the chat while a call is offered: %+v", d)
	}
	if m := f.mediaState("1003"); m.State != "INTERRUPTED" {
		t.Fatalf("the MRD while a call is offered: %s", m.State)
	}
	evs := f.described(mark)
	if !slices.ContainsFunc(evs, func(e string) bool {
		return strings.HasPrefix(e, "PUT ") && strings.Contains(e, chat) && strings.Contains(e, "INTERRUPTED")
	}) {
		t.Fatalf("no PUT of the interrupted chat: %q", evs)
	}
	if err := f.eng.DialogAction(ctx, f.user("1003"), acd.DialogRequest{DialogID: chat, Action: "PAUSE", TargetMediaAddress: "1003", RequestID: "p"}); err != nil {
		t.Fatal(err)
	}
	if u := f.lastUpdate(); len(u.Errors) != 1 || u.Errors[0].Type != "Generic Error" {
		t.Fatalf("PAUSE on an interrupted chat: %+v", u)
	}
	f.act("1003", f.call(call.ID).DialogID, "ANSWER")
	if d := taskState("1003", chat); d.State != "INTERRUPTED" {
		t.Fatalf("the chat during the call: %s", d.State)
	}
	f.hangUp(call.ID)
	if d := taskState("1003", chat); d.State != "ACTIVE" || len(d.Participants[0].Actions) == 0 {
		t.Fatalf("the chat after the call: %+v", d)
	}
	if m := f.mediaState("1003"); m.State != "ACTIVE" {
		t.Fatalf("the MRD after the call: %s", m.State)
	}

	chat = activeTask("1004", "IGNORE")
	f.ready("1004", "3004")
	f.mustChange("1003", "1003", model.StateNotReady, "", "1")
	f.inject("100", "5551001")
	f.wantState("1004", model.StateReserved, "")
	if d := taskState("1004", chat); d.State != "ACTIVE" {
		t.Fatalf("IGNORE: the chat while a call is offered: %s", d.State)
	}
}

// A user working a task in an MRD that is not interruptible is offered
// no voice call until the task ends; then the waiting call comes at once.
func TestNonInterruptibleMediaHoldsCalls(t *testing.T) {
	cfg := demoConfig(t)
	cfg.MediaDomains[0].Interruptible = false
	f := newFixture(t, cfg)
	ctx := context.Background()
	if err := f.media("1003", "LOGIN", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1003", "READY", ""); err != nil {
		t.Fatal(err)
	}
	chat := f.task("ada@example.com")
	f.ready("1003", "3003")
	call := f.inject("100", "5551000")
	f.wantCall(call.ID, acd.CallQueued, "")
	f.wantState("1003", model.StateReady, "")
	for _, action := range []string{"ACCEPT", "CLOSE"} {
		if err := f.eng.DialogAction(ctx, f.user("1003"), acd.DialogRequest{DialogID: chat.DialogID, Action: action, TargetMediaAddress: "1003"}); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	f.wantCall(call.ID, acd.CallAlerting, "1003")
	f.wantState("1003", model.StateReserved, "")

	// The customer leaving a task frees its user for calls too.
	f.act("1003", f.call(call.ID).DialogID, "ANSWER")
	f.hangUp(call.ID)
	f.mustChange("1003", "1003", model.StateReady, "", "")
	chat = f.task("bob@example.com")
	next := f.inject("100", "5551001")
	f.wantCall(next.ID, acd.CallQueued, "")
	f.hangUp(chat.ID)
	f.wantCall(next.ID, acd.CallAlerting, "1003")
}

// A call interrupts PAUSED tasks as well as ACTIVE ones and gives each its
// own state back; a task started during the call is interrupted at once,
// and no new task is offered to a user a call interrupts.
func TestInterruptionKeepsEachTaskState(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	act := func(id, action string) {
		t.Helper()
		if err := f.eng.DialogAction(ctx, f.user("1003"), acd.DialogRequest{DialogID: id, Action: action, TargetMediaAddress: "1003"}); err != nil {
			t.Fatalf("%s: %v", action, err)
		}
	}
	state := func(id string) string {
		t.Helper()
		ds, err := f.eng.MediaDialogs(ctx, f.user("1003"), "1003", "5000")
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ds {
			if d.ID == id {
				return d.State
			}
		}
		return "gone"
	}
	if err := f.eng.ChangeMedia(ctx, f.user("1003"), acd.MediaRequest{User: "1003", MRD: "5000", State: "LOGIN", MaxDialogs: 3}); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1003", "READY", ""); err != nil {
		t.Fatal(err)
	}
	paused, accepted := f.task("ada@example.com").DialogID, f.task("bob@example.com").DialogID
	act(paused, "ACCEPT")
	act(paused, "START")
	act(paused, "PAUSE")
	act(accepted, "ACCEPT")
	f.ready("1003", "3003")
	call := f.inject("100", "5551000")
	f.act("1003", f.call(call.ID).DialogID, "ANSWER")
	if got := state(paused); got != "INTERRUPTED" {
		t.Fatalf("the paused chat during the call: %s", got)
	}
	act(accepted, "START")
	if got := state(accepted); got != "INTERRUPTED" {
		t.Fatalf("a chat started during the call: %s", got)
	}
	if waiting := f.task("carol@example.com"); waiting.State != acd.CallQueued {
		t.Fatalf("a task offered during the call: %+v", waiting)
	}
	f.hangUp(call.ID)
	if a, b := state(paused), state(accepted); a != "PAUSED" || b != "ACTIVE" {
		t.Fatalf("after the call: %s and %s, want PAUSED and ACTIVE", a, b)
	}
}

// A user held by a task is offered a waiting call as soon as it signs
// out of the MRD.
func TestHeldUserLeavesMediaThenTakesTheCall(t *testing.T) {
	cfg := demoConfig(t)
	cfg.MediaDomains[0].Interruptible = false
	f := newFixture(t, cfg)
	if err := f.media("1003", "LOGIN", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1003", "READY", ""); err != nil {
		t.Fatal(err)
	}
	f.task("ada@example.com")
	f.ready("1003", "3003")
	call := f.inject("100", "5551000")
	f.wantCall(call.ID, acd.CallQueued, "")
	if err := f.media("1003", "LOGOUT", ""); err != nil {
		t.Fatal(err)
	}
	f.wantCall(call.ID, acd.CallAlerting, "1003")
}

// Agents held by tasks stay READY in voice, so they stay in the READY
// index: a queue whose longest-ready agents are all held still reaches
// the free one behind them, on the shared store's index as on the
// engine's own.
func TestHeldAgentsDoNotHideAFreeOne(t *testing.T) {
	for name, open := range map[string]func(testing.TB, directory.Config) *fixture{"local index": newFixture, "shared index": sharedFixture} {
		t.Run(name, func(t *testing.T) {
			cfg := demoConfig(t)
			cfg.MediaDomains[0].Interruptible = false
			cfg.MediaDomains[0].Agents = []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008"}
			cfg.Queues[0].Agents = []string{"1001", "1002", "1003", "1004", "1005", "1006", "1007", "1008", "1009"}
			f := open(t, cfg)
			ctx := context.Background()
			for i, id := range cfg.MediaDomains[0].Agents {
				if err := f.eng.ChangeMedia(ctx, f.user(id), acd.MediaRequest{User: id, MRD: "5000", State: "LOGIN", MaxDialogs: 1}); err != nil {
					t.Fatal(err)
				}
				if err := f.media(id, "READY", ""); err != nil {
					t.Fatal(err)
				}
				f.ready(id, fmt.Sprintf("30%02d", i+1))
				f.clock.Advance(time.Second)
				f.task(id + "@example.com")
			}
			f.ready("1009", "3009")
			call := f.inject("100", "5551000")
			f.wantCall(call.ID, acd.CallAlerting, "1009")
		})
	}
}
