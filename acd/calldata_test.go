package acd_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// answered signs 1001 in READY, brings a call to it and answers it.
func answered(t *testing.T, cfg directory.Config) (*fixture, acd.Call) {
	t.Helper()
	f := newFixture(t, cfg)
	f.ready("1001", "3001")
	c := f.inject("100", "5551234", model.CallVariable{Name: "callVariable1", Value: "a"})
	f.act("1001", c.DialogID, "ANSWER")
	return f, f.call(c.ID)
}

// answeredDialog is the dialog of answered with 1001's party in state.
func answeredDialog(id, state string, acts ...string) string {
	return dlg(id, "ACTIVE", "ACD_IN", "5551234", "8000", party("5551234", "ACTIVE"), party("3001", state, acts...))
}

func (f *fixture) dialogAction(req acd.DialogRequest) error {
	f.tb.Helper()
	return f.eng.DialogAction(context.Background(), f.user("1001"), req)
}

// Scenario: UPDATE_CALL_DATA changes variables by name, adds new ones and
// sets the wrap-up reason, on the dialog and the customer call, in one
// PUT that carries the requestId; it needs no targetMediaAddress. A later
// update changes only what it names, and a held party may update too.
func TestUpdateCallData(t *testing.T) {
	f, c := answered(t, demoConfig(t))
	id := c.DialogID
	reason := "Sale"
	before := f.last()
	err := f.dialogAction(acd.DialogRequest{DialogID: id, Action: "UPDATE_CALL_DATA", RequestID: "u1",
		MediaProperties: &acd.CallData{WrapUpReason: &reason, Variables: []model.CallVariable{
			{Name: "callVariable1", Value: "b"}, {Name: "user.order", Value: "42"}}}})
	if err != nil {
		t.Fatal(err)
	}
	mark := f.wantEvents(before, dialogPutEv(id, "u1", answeredDialog(id, "ACTIVE", actsActive...), "1001"))
	d := f.eventDialog(before, 0)
	want := []model.CallVariable{{Name: "callVariable1", Value: "b"}, {Name: "user.order", Value: "42"}}
	if d.MediaProperties.WrapUpReason != "Sale" || !equalVars(d.MediaProperties.CallVariables, want) {
		t.Fatalf("dialog after update: %+v", d.MediaProperties)
	}
	if got := f.call(c.ID).Variables; !equalVars(got, want) {
		t.Fatalf("call variables %+v", got)
	}
	f.wantState("1001", model.StateTalking, "")

	// Held, with only a variable: the wrap-up reason stays.
	rid := f.act("1001", id, "HOLD")
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, answeredDialog(id, "HELD", actsHeld...), "1001"),
		userEv("1001", model.StateHold, "", "", rid),
	)
	err = f.dialogAction(acd.DialogRequest{DialogID: id, Action: "UPDATE_CALL_DATA", TargetMediaAddress: "3001", RequestID: "u2",
		MediaProperties: &acd.CallData{Variables: []model.CallVariable{{Name: "callVariable2", Value: "c"}}}})
	if err != nil {
		t.Fatal(err)
	}
	before = mark
	f.wantEvents(mark, dialogPutEv(id, "u2", answeredDialog(id, "HELD", actsHeld...), "1001"))
	d = f.eventDialog(before, 0)
	want = append(want, model.CallVariable{Name: "callVariable2", Value: "c"})
	if d.MediaProperties.WrapUpReason != "Sale" || !equalVars(d.MediaProperties.CallVariables, want) {
		t.Fatalf("dialog after the second update: %+v", d.MediaProperties)
	}
	if got := f.call(c.ID).Variables; !equalVars(got, want) {
		t.Fatalf("call variables %+v", got)
	}
	f.wantState("1001", model.StateHold, "")
}

// setVars is vars without the empty callVariableN entries a dialog lists
// for every call variable it does not set.
func setVars(vars []model.CallVariable) []model.CallVariable {
	return slices.DeleteFunc(slices.Clone(vars), func(v model.CallVariable) bool {
		return v.Value == "" && strings.HasPrefix(v.Name, "callVariable")
	})
}

// equalVars compares the variables a dialog or call sets with want, in any
// order: a dialog lists callVariable1..10 first, a call keeps them as set.
func equalVars(a, b []model.CallVariable) bool {
	byName := func(x, y model.CallVariable) int { return strings.Compare(x.Name, y.Name) }
	a, b = setVars(a), slices.Clone(b)
	slices.SortFunc(a, byName)
	slices.SortFunc(b, byName)
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestUpdateCallDataRefusals(t *testing.T) {
	f, c := answered(t, demoConfig(t))
	long := "a reason that is longer than thirty-nine bytes"
	before := f.last()
	for name, tc := range map[string]struct {
		data *acd.CallData
		kind error
	}{
		"no media properties": {nil, acd.ErrParameterMissing},
		"unknown variable":    {&acd.CallData{Variables: []model.CallVariable{{Name: "bogus", Value: "1"}}}, acd.ErrInvalidInput},
		"41-byte variable":    {&acd.CallData{Variables: []model.CallVariable{{Name: "callVariable2", Value: string(make([]byte, 41))}}}, acd.ErrInvalidInput},
		"long wrap-up reason": {&acd.CallData{WrapUpReason: &long}, acd.ErrInvalidInput},
	} {
		err := f.dialogAction(acd.DialogRequest{DialogID: c.DialogID, Action: "UPDATE_CALL_DATA", MediaProperties: tc.data})
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", name, err, tc.kind)
		}
	}
	f.wantEvents(before) // a refused request commits nothing
	if got := f.call(c.ID).Variables; !equalVars(got, []model.CallVariable{{Name: "callVariable1", Value: "a"}}) {
		t.Fatalf("call variables after refusals %+v", got)
	}
}

// Scenario: SEND_DTMF takes the digits the deployment's phones can send,
// records them on the simulator's call and commits one PUT of the
// (unchanged) dialog carrying the requestId; a held party may not send
// them: the request is refused with Invalid State, which the reference
// names for a HELD target participant (spec §5), not with the asynchronous
// Generic Error of an action not offered (spec §7).
func TestSendDTMF(t *testing.T) {
	f, c := answered(t, demoConfig(t))
	id := c.DialogID
	send := func(digits string) error {
		return f.dialogAction(acd.DialogRequest{DialogID: id, Action: "SEND_DTMF", TargetMediaAddress: "3001", DTMF: digits, RequestID: "d"})
	}
	talking := answeredDialog(id, "ACTIVE", actsActive...)
	mark := f.last()
	if err := send("12#A*"); err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, dialogPutEv(id, "d", talking, "1001"))
	if got := f.call(c.ID).DTMF; got != "12#A*" {
		t.Fatalf("call DTMF %q", got)
	}
	if err := send("9"); err != nil {
		t.Fatal(err)
	}
	mark = f.wantEvents(mark, dialogPutEv(id, "d", talking, "1001"))
	if got := f.call(c.ID).DTMF; got != "12#A*9" {
		t.Fatalf("call DTMF %q after a second send", got)
	}
	if err := send("12X"); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("bad digit: %v", err)
	}
	if err := send(""); !errors.Is(err, acd.ErrParameterMissing) {
		t.Fatalf("no digits: %v", err)
	}
	mark = f.wantEvents(mark)
	f.wantState("1001", model.StateTalking, "")

	rid := f.act("1001", id, "HOLD")
	mark = f.wantEvents(mark,
		dialogPutEv(id, rid, answeredDialog(id, "HELD", actsHeld...), "1001"),
		userEv("1001", model.StateHold, "", "", rid),
	)
	if err := send("1"); !errors.Is(err, acd.ErrPartyHeld) {
		t.Fatalf("DTMF while held: %v, want Invalid State", err)
	}
	f.wantEvents(mark)
	if got := f.call(c.ID).DTMF; got != "12#A*9" {
		t.Fatalf("call DTMF %q after the refusal", got)
	}
	f.wantState("1001", model.StateHold, "")

	uccx := demoConfig(t)
	uccx.Settings.DeploymentType = "UCCX"
	f, c = answered(t, uccx)
	mark = f.last()
	if err := f.dialogAction(acd.DialogRequest{DialogID: c.DialogID, Action: "SEND_DTMF", TargetMediaAddress: "3001", DTMF: "A"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("A on UCCX: %v", err)
	}
	f.wantEvents(mark)
}

// A dialog lists callVariable1 to callVariable10, in order, empty when the
// call does not set them, and then its ECC variables, as real Finesse does.
func TestDialogListsTenCallVariables(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.ready("1001", "3001")
	none := f.inject("100", "5551234")
	d := f.dialogView("1001", none.DialogID)
	vars := d.MediaProperties.CallVariables
	if len(vars) != 10 {
		t.Fatalf("a call with no variables lists %+v, want callVariable1..10", vars)
	}
	for i, v := range vars {
		if v.Name != fmt.Sprintf("callVariable%d", i+1) || v.Value != "" {
			t.Fatalf("variable %d is %+v", i, v)
		}
	}
}
