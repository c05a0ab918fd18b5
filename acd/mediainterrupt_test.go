package acd_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd"
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
