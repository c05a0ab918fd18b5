package acd_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

func (f *fixture) media(user, state string, rid string) error {
	f.tb.Helper()
	return f.eng.ChangeMedia(context.Background(), f.user(user), acd.MediaRequest{
		User: user, MRD: "5000", State: state, MaxDialogs: 2, RequestID: rid,
	})
}

func (f *fixture) mediaState(user string) model.Media {
	f.tb.Helper()
	m, err := f.eng.Media(context.Background(), f.user(user), user, "5000")
	if err != nil {
		f.tb.Fatalf("Media(%s): %v", user, err)
	}
	return m
}

func (f *fixture) task(from string) acd.Call {
	f.tb.Helper()
	c, err := f.eng.InjectTask(context.Background(), acd.TaskRequest{Queue: "500", From: from})
	if err != nil {
		f.tb.Fatalf("InjectTask: %v", err)
	}
	return c
}

// A chat task: 1003 signs in to the chat MRD (NOT_READY), goes READY, is
// offered a task (RESERVED, an OFFERED dialog on Dialogs/Media offering
// ACCEPT), accepts, starts, pauses, resumes, wraps up and closes it, its
// MRD state following; a second user gets the next task when 1003 is full.
func TestChatTask(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	mark := f.last()
	if err := f.media("1003", "LOGIN", "in"); err != nil {
		t.Fatal(err)
	}
	if m := f.mediaState("1003"); m.State != "NOT_READY" || !m.Routable || m.MaxDialogLimit != 2 || m.Name != "Cisco_Chat_MRD" {
		t.Fatalf("signed in: %+v", m)
	}
	if err := f.media("1003", "READY", "ready"); err != nil {
		t.Fatal(err)
	}
	task := f.task("ada@example.com")
	if task.State != acd.CallAlerting || task.Agent != "1003" {
		t.Fatalf("task: %+v", task)
	}
	if m := f.mediaState("1003"); m.State != "RESERVED" {
		t.Fatalf("offered: %s", m.State)
	}
	evs := f.described(mark)
	last := f.eventsAfter(mark)
	if len(evs) < 4 {
		t.Fatalf("events: %q", evs)
	}
	offer := parseUpdate(t, last[len(last)-2])
	if offer.Event != model.EventPost || offer.Source != "/finesse/api/User/1003/Media/5000/Dialogs" {
		t.Fatalf("offer event: %+v", offer)
	}
	d := f.eventDialog(f.last()-2, 0)
	if d.MediaType != "Cisco_Chat_MRD" || d.MediaProperties.MediaID != "5000" || d.State != "OFFERED" || d.Participants[0].Actions[0] != "ACCEPT" || d.FromAddress != "ada@example.com" {
		t.Fatalf("offered dialog: %+v", d)
	}
	for _, step := range []struct{ action, dialog, media string }{
		{"ACCEPT", "ACCEPTED", "ACTIVE"}, {"START", "ACTIVE", "ACTIVE"}, {"PAUSE", "PAUSED", "PAUSED"},
		{"RESUME", "ACTIVE", "ACTIVE"}, {"WRAP_UP", "WRAPPING_UP", "WORK_READY"}, {"CLOSE", "CLOSED", "READY"},
	} {
		err := f.eng.DialogAction(context.Background(), f.user("1003"), acd.DialogRequest{DialogID: d.ID, Action: step.action, TargetMediaAddress: "1003"})
		if err != nil {
			t.Fatalf("%s: %v", step.action, err)
		}
		if m := f.mediaState("1003"); m.State != step.media {
			t.Fatalf("after %s: media %s, want %s", step.action, m.State, step.media)
		}
	}
	f.wantCall(task.ID, acd.CallEnded, "1003")

	// Wrong action: an asynchronous Generic Error; a transfer to no
	// MRD's queue: 400.
	second := f.task("bob@example.com")
	if err := f.eng.DialogAction(context.Background(), f.user("1003"), acd.DialogRequest{DialogID: second.DialogID, Action: "TRANSFER", ToAddress: "100", TargetMediaAddress: "1003"}); !errors.Is(err, acd.ErrInvalidDestination) {
		t.Fatalf("transfer to a voice queue: %v", err)
	}
	mark = f.last()
	if err := f.eng.DialogAction(context.Background(), f.user("1003"), acd.DialogRequest{DialogID: second.DialogID, Action: "PAUSE", TargetMediaAddress: "1003", RequestID: "p"}); err != nil {
		t.Fatal(err)
	}
	if u := f.lastUpdate(); len(u.Errors) != 1 || u.Errors[0].Type != "Generic Error" {
		t.Fatalf("PAUSE on an offered task: %+v", u)
	}

	// 1003 takes two at most; the third goes to 1004 once it is READY.
	f.task("carol@example.com")
	third := f.task("dan@example.com")
	if third.State != acd.CallQueued {
		t.Fatalf("a third task for a user with room for two: %+v", third)
	}
	if err := f.media("1004", "LOGIN", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1004", "READY", ""); err != nil {
		t.Fatal(err)
	}
	f.wantCall(third.ID, acd.CallAlerting, "1004")

	// Signing out closes 1003's tasks (dialogLogoutAction CLOSE).
	if err := f.media("1003", "LOGOUT", ""); err != nil {
		t.Fatal(err)
	}
	f.wantCall(second.ID, acd.CallEnded, "1003")
	if m := f.mediaState("1003"); m.State != "LOGOUT" {
		t.Fatalf("signed out: %+v", m)
	}
}

// Requests the MRD state refuses are answered on the Media node; those
// never valid at once.
func TestMediaRefusals(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	if err := f.eng.ChangeMedia(ctx, f.user("1001"), acd.MediaRequest{User: "1001", MRD: "5000", State: "LOGIN"}); !errors.Is(err, acd.ErrNotFound) {
		t.Fatalf("a user of no MRD: %v", err)
	}
	if err := f.eng.ChangeMedia(ctx, f.user("1004"), acd.MediaRequest{User: "1003", MRD: "5000", State: "LOGIN"}); err == nil {
		t.Fatal("another user's MRD sign-in accepted")
	}
	if err := f.eng.ChangeMedia(ctx, f.user("1003"), acd.MediaRequest{User: "1003", MRD: "5000", State: "LOGIN", MaxDialogs: 11}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("maxDialogLimit 11: %v", err)
	}
	if err := f.media("1003", "READY", "r"); err != nil {
		t.Fatal(err)
	}
	if u := f.lastUpdate(); len(u.Errors) != 1 || u.Source != "/finesse/api/User/1003/Media/5000" {
		t.Fatalf("READY while signed out: %+v", u)
	}
	if err := f.media("1003", "LOGIN", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1003", "LOGIN", "again"); err != nil {
		t.Fatal(err)
	}
	if u := f.lastUpdate(); len(u.Errors) != 1 || u.Errors[0].Message != "E_ARM_STAT_AGENT_ALREADY_LOGGED_IN" {
		t.Fatalf("a second sign-in: %+v", u)
	}
}

// Signing out of the desktop signs the user out of its MRDs; a task it
// had goes back to the queue (dialogLogoutAction TRANSFER) for the next
// user who can take it.
func TestVoiceSignOutLeavesMedia(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	f.signIn("1003", "3003")
	if err := f.eng.ChangeMedia(ctx, f.user("1003"), acd.MediaRequest{User: "1003", MRD: "5000", State: "LOGIN", DialogLogoutAction: "TRANSFER"}); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1003", "READY", ""); err != nil {
		t.Fatal(err)
	}
	task := f.task("ada@example.com")
	f.mustChange("1003", "1003", model.StateLogout, "", "4")
	if m := f.mediaState("1003"); m.State != "LOGOUT" {
		t.Fatalf("after the desktop's sign-out: media %s", m.State)
	}
	f.wantCall(task.ID, acd.CallQueued, "")
	if err := f.media("1004", "LOGIN", ""); err != nil {
		t.Fatal(err)
	}
	if err := f.media("1004", "READY", ""); err != nil {
		t.Fatal(err)
	}
	f.wantCall(task.ID, acd.CallAlerting, "1004")
}

// A task nobody accepts within the ring-no-answer time goes back to its
// queue for the next user, and its user NOT_READY (32767) in the MRD.
func TestTaskRingNoAnswer(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	for _, u := range []string{"1003", "1004"} {
		if err := f.media(u, "LOGIN", ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.media("1003", "READY", ""); err != nil {
		t.Fatal(err)
	}
	task := f.task("ada@example.com")
	f.wantCall(task.ID, acd.CallAlerting, "1003")
	if err := f.media("1004", "READY", ""); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(15 * time.Second)
	if m := f.mediaState("1003"); m.State != "NOT_READY" || m.ReasonCodeID != "32767" {
		t.Fatalf("1003 after RONA: %s %s", m.State, m.ReasonCodeID)
	}
	f.wantCall(task.ID, acd.CallAlerting, "1004")
}
