package acd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// answered signs 1001 in READY, brings a call to it and answers it.
func answered(t *testing.T, cfg acd.Config) (*fixture, acd.Call) {
	t.Helper()
	f := newFixture(t, cfg)
	f.ready("1001", "3001")
	c := f.inject("100", "5551234", model.CallVariable{Name: "callVariable1", Value: "a"})
	f.act("1001", c.DialogID, "ANSWER")
	return f, f.call(c.ID)
}

func (f *fixture) dialogAction(req acd.DialogRequest) error {
	f.tb.Helper()
	return f.eng.DialogAction(context.Background(), f.user("1001"), req)
}

// UPDATE_CALL_DATA changes variables by name, adds new ones and sets the
// wrap-up reason, on the dialog and the customer call, in one PUT that
// carries the requestId; it needs no targetMediaAddress.
func TestUpdateCallData(t *testing.T) {
	f, c := answered(t, demoConfig(t))
	reason := "Sale"
	before := f.last()
	err := f.dialogAction(acd.DialogRequest{DialogID: c.DialogID, Action: "UPDATE_CALL_DATA", RequestID: "u1",
		MediaProperties: &acd.CallData{WrapUpReason: &reason, Variables: []model.CallVariable{
			{Name: "callVariable1", Value: "b"}, {Name: "user.order", Value: "42"}}}})
	if err != nil {
		t.Fatal(err)
	}
	evs := f.eventsAfter(before)
	if len(evs) != 1 || evs[0].Nodes[0] != "/finesse/api/User/1001/Dialogs" {
		t.Fatalf("events %+v", evs)
	}
	u := parseUpdate(t, evs[0])
	d := parseDialogEl(t, u)
	want := []model.CallVariable{{Name: "callVariable1", Value: "b"}, {Name: "user.order", Value: "42"}}
	if u.RequestID != "u1" || d.MediaProperties.WrapUpReason != "Sale" || !equalVars(d.MediaProperties.CallVariables, want) {
		t.Fatalf("dialog after update: %+v", d.MediaProperties)
	}
	if got := f.call(c.ID).Variables; !equalVars(got, want) {
		t.Fatalf("call variables %+v", got)
	}
}

func equalVars(a, b []model.CallVariable) bool {
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
	for name, tc := range map[string]struct {
		data *acd.CallData
		kind error
	}{
		"no media properties": {nil, acd.ErrParameterMissing},
		"unknown variable":    {&acd.CallData{Variables: []model.CallVariable{{Name: "bogus", Value: "1"}}}, acd.ErrInvalidInput},
		"41-byte variable":    {&acd.CallData{Variables: []model.CallVariable{{Name: "callVariable2", Value: string(make([]byte, 41))}}}, acd.ErrInvalidInput},
		"long wrap-up reason": {&acd.CallData{WrapUpReason: &long}, acd.ErrInvalidInput},
	} {
		before := f.last()
		err := f.dialogAction(acd.DialogRequest{DialogID: c.DialogID, Action: "UPDATE_CALL_DATA", MediaProperties: tc.data})
		if !errors.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %v", name, err, tc.kind)
		}
		if f.last() != before {
			t.Errorf("%s: a refused request committed events", name)
		}
	}
}

// SEND_DTMF takes the digits the deployment's phones can send and records
// them on the simulator's call; a held party may not send them.
func TestSendDTMF(t *testing.T) {
	f, c := answered(t, demoConfig(t))
	send := func(digits string) error {
		return f.dialogAction(acd.DialogRequest{DialogID: c.DialogID, Action: "SEND_DTMF", TargetMediaAddress: "3001", DTMF: digits, RequestID: "d"})
	}
	if err := send("12#A*"); err != nil {
		t.Fatal(err)
	}
	if got := f.call(c.ID).DTMF; got != "12#A*" {
		t.Fatalf("call DTMF %q", got)
	}
	if err := send("12X"); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("bad digit: %v", err)
	}
	if err := send(""); !errors.Is(err, acd.ErrParameterMissing) {
		t.Fatalf("no digits: %v", err)
	}
	f.act("1001", c.DialogID, "HOLD")
	before := f.last()
	if err := send("1"); err != nil {
		t.Fatal(err)
	}
	if u := parseUpdate(t, f.eventsAfter(before)[0]); len(u.Errors) != 1 || u.Errors[0].Type != "Generic Error" {
		t.Fatalf("DTMF while held: %+v", u)
	}

	uccx := demoConfig(t)
	uccx.Settings.DeploymentType = "UCCX"
	f, c = answered(t, uccx)
	if err := f.dialogAction(acd.DialogRequest{DialogID: c.DialogID, Action: "SEND_DTMF", TargetMediaAddress: "3001", DTMF: "A"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("A on UCCX: %v", err)
	}
}
