package acd_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// startCampaign starts a campaign of mode on queue with a contact at each
// of numbers, failing the test on error.
func (f *fixture) startCampaign(mode acd.CampaignMode, queue string, numbers ...string) acd.Campaign {
	f.tb.Helper()
	return f.startCampaignReq(acd.CampaignRequest{Name: "Renewals", Mode: mode, Queue: queue}, numbers...)
}

func (f *fixture) startCampaignReq(req acd.CampaignRequest, numbers ...string) acd.Campaign {
	f.tb.Helper()
	for i, n := range numbers {
		req.Contacts = append(req.Contacts, acd.ContactRequest{
			PhoneNumber: n, FirstName: "Ada", LastName: "Byron", AccountNumber: "AC" + strconv.Itoa(i+1), TimeZone: "America/New_York",
		})
	}
	c, err := f.eng.StartCampaign(context.Background(), req)
	if err != nil {
		f.tb.Fatalf("StartCampaign: %v", err)
	}
	return c
}

// fates is each contact of campaign id as "status/attempts".
func (f *fixture) fates(id string) []string {
	f.tb.Helper()
	_, ks, err := f.eng.CampaignStatus(context.Background(), id)
	if err != nil {
		f.tb.Fatalf("CampaignStatus(%s): %v", id, err)
	}
	var out []string
	for _, k := range ks {
		out = append(out, string(k.Status)+"/"+strconv.Itoa(k.Attempts))
	}
	return out
}

func (f *fixture) wantFates(id string, want ...string) {
	f.tb.Helper()
	if got := f.fates(id); !slices.Equal(got, want) {
		f.tb.Fatalf("contacts of campaign %s: %v, want %v", id, got, want)
	}
}

// variable is the value of call variable name on d.
func variable(d model.Dialog, name string) string {
	for _, v := range d.MediaProperties.CallVariables {
		if v.Name == name {
			return v.Value
		}
	}
	return "(none)"
}

func (f *fixture) actParams(agent, dialogID string, req acd.DialogRequest) (string, error) {
	f.tb.Helper()
	req.DialogID, req.RequestID = dialogID, "dlg-"+strconv.FormatInt(f.reqs.Add(1), 10)
	req.TargetMediaAddress = f.agent(agent).Extension
	return req.RequestID, f.eng.DialogAction(context.Background(), f.user(agent), req)
}

var (
	actsReservation = []string{"ACCEPT", "REJECT", "CLOSE"}
	actsOutbound    = append(slices.Clone(actsActive), "UPDATE_SCHEDULED_CALLBACK", "RECLASSIFY")
)

// The walk-through: a PREVIEW campaign of two contacts on queue
// 100 with 1001 READY. REJECT brings the next reservation, ACCEPT dials
// the customer and 1001 talks, RECLASSIFY is taken, DROP ends the call,
// and the campaign shows each contact's fate.
func TestPreviewCampaign(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	mark := f.last()
	c := f.startCampaign(acd.ModePreview, "100", "5550100", "5550100")
	first := dlg("1", "ALERTING", "OUTBOUND_PREVIEW", "5550100", "3001", party("3001", "ALERTING", actsReservation...))
	mark = f.stepEvents(t, "reserved", mark,
		userEv("1001", model.StateReservedOutboundPreview, "", "", ""),
		dialogsEv("POST", "1001", "", first),
	)
	d := f.dialogOf("1001")
	for name, want := range map[string]string{
		"BACampaign": "Renewals", "BAAccountNumber": "AC1", "BADialedListID": c.ID + "-1", "BAStatus": "PREVIEW_OUTBOUND_RESERVATION",
		"BATimeZone": "America/New_York", "BABuddyName": "Ada,Byron", "BAResponse": "",
	} {
		if got := variable(d, name); got != want {
			t.Errorf("reservation %s = %q, want %q", name, got, want)
		}
	}
	if d.CallbackNumber != "5550100" {
		t.Errorf("reservation callbackNumber = %q", d.CallbackNumber)
	}

	rid := f.act("1001", "1", "REJECT")
	dropped := dlg("1", "DROPPED", "OUTBOUND_PREVIEW", "5550100", "3001", party("3001", "DROPPED"))
	second := dlg("2", "ALERTING", "OUTBOUND_PREVIEW", "5550100", "3001", party("3001", "ALERTING", actsReservation...))
	mark = f.stepEvents(t, "rejected, the next reserved", mark,
		dialogPutEv("1", rid, dropped, "1001"),
		dialogsEv("DELETE", "1001", rid, dropped),
		userEv("1001", model.StateReady, "", "", rid),
		userEv("1001", model.StateReservedOutboundPreview, "", "", ""),
		dialogsEv("POST", "1001", "", second),
	)
	f.wantFates(c.ID, "REJECTED/0", "RESERVED/0")

	rid = f.act("1001", "2", "ACCEPT")
	mark = f.stepEvents(t, "accepted and dialed", mark,
		dialogPutEv("2", rid, dlg("2", "ACCEPTED", "OUTBOUND_PREVIEW", "5550100", "3001", party("3001", "ACCEPTED")), "1001"),
		dialogPutEv("2", rid, dlg("2", "ALERTING", "OUTBOUND", "3001", "5550100",
			party("3001", "INITIATED", actsDialing...), party("5550100", "ALERTING", []string{}...)), "1001"),
	)
	f.wantState("1001", model.StateReservedOutboundPreview, "")
	f.wantFates(c.ID, "REJECTED/0", "DIALED/1")

	f.clock.Advance(time.Second)
	mark = f.stepEvents(t, "the customer answers", mark,
		userEv("1001", model.StateTalking, "", "", ""),
		dialogPutEv("2", "", dlg("2", "ACTIVE", "OUTBOUND", "3001", "5550100",
			party("3001", "ACTIVE", actsOutbound...), party("5550100", "ACTIVE")), "1001"),
	)
	f.wantFates(c.ID, "REJECTED/0", "ANSWERED/1")
	if d := f.dialogOf("1001"); variable(d, "BAStatus") != "PREVIEW_OUTBOUND" || variable(d, "BAResponse") != "Accept" {
		t.Fatalf("connected: BAStatus %q BAResponse %q", variable(d, "BAStatus"), variable(d, "BAResponse"))
	}

	rid, err := f.actParams("1001", "2", acd.DialogRequest{Action: "RECLASSIFY", Classification: "ANS_MACHINE"})
	if err != nil {
		t.Fatal(err)
	}
	d = f.eventDialog(mark, 0)
	if d.MediaProperties.OutboundClassification != "ANS_MACHINE" || variable(d, "BAResponse") != "ANS_MACHINE" {
		t.Fatalf("reclassified (%s): classification %q BAResponse %q", rid, d.MediaProperties.OutboundClassification, variable(d, "BAResponse"))
	}
	mark = f.last()

	rid = f.act("1001", "2", "DROP")
	ended := dlg("2", "DROPPED", "OUTBOUND", "3001", "5550100", party("3001", "DROPPED"), party("5550100", "DROPPED"))
	f.stepEvents(t, "dropped, the rejected contact comes back", mark,
		dialogPutEv("2", rid, ended, "1001"),
		dialogsEv("DELETE", "1001", rid, ended),
		userEv("1001", model.StateReady, "", "", rid),
		userEv("1001", model.StateReservedOutboundPreview, "", "", ""),
		dialogsEv("POST", "1001", "", dlg("3", "ALERTING", "OUTBOUND_PREVIEW", "5550100", "3001", party("3001", "ALERTING", actsReservation...))),
	)
	f.wantFates(c.ID, "RESERVED/0", "ANSWERED/1")
	_, ks, _ := f.eng.CampaignStatus(context.Background(), c.ID)
	if ks[1].Classification != "ANS_MACHINE" || ks[1].Call == "" {
		t.Fatalf("contact 2 after the call: %+v", ks[1])
	}
	f.wantCall(ks[1].Call, acd.CallEnded, "1001")

	rid = f.act("1001", "3", "CLOSE")
	f.wantFates(c.ID, "CLOSED/0", "ANSWERED/1")
	f.wantState("1001", model.StateReady, "")
}

// A customer whose line is busy ends the reservation at once: the agent
// is READY again and the contact is tried later.
func TestPreviewAcceptBusy(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.startCampaignReq(acd.CampaignRequest{Name: "R", Mode: acd.ModePreview, Queue: "100", MaxAttempts: 1}, "5550199", "99911")
	mark := f.last()
	rid := f.act("1001", "1", "ACCEPT")
	evs := f.described(mark)
	if len(evs) < 3 || evs[len(evs)-1] != dialogsEv("POST", "1001", "", dlg("2", "ALERTING", "OUTBOUND_PREVIEW", "99911", "3001", party("3001", "ALERTING", actsReservation...))) {
		t.Fatalf("after a busy number (%s): %q", rid, evs)
	}
	if d := f.eventDialog(mark, 1); d.State != "FAILED" || d.Participants[0].StateCause != "BUSY" {
		t.Fatalf("busy dial: %+v", d)
	}
	f.act("1001", "2", "ACCEPT")
	f.wantFates(c.ID, "BUSY/1", "INVALID/1")
	f.wantState("1001", model.StateReady, "")
}

// PROGRESSIVE reserves the agent and dials at once; the customer who
// answers is put through, the one who never does frees the agent.
func TestProgressiveCampaign(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	mark := f.last()
	c := f.startCampaign(acd.ModeProgressive, "100", "5550100", "5550188")
	mark = f.stepEvents(t, "held", mark, userEv("1001", model.StateReservedOutbound, "", "", ""))
	f.wantFates(c.ID, "DIALED/1", "PENDING/0")

	f.clock.Advance(time.Second)
	connected := dlg("1", "ACTIVE", "OUTBOUND", "3001", "5550100", party("3001", "ACTIVE", actsOutbound...), party("5550100", "ACTIVE"))
	mark = f.stepEvents(t, "answered", mark,
		dialogsEv("POST", "1001", "", connected),
		userEv("1001", model.StateTalking, "", "", ""),
	)
	if d := f.dialogOf("1001"); variable(d, "BAStatus") != "PROGRESSIVE_OUTBOUND" {
		t.Fatalf("BAStatus %q", variable(d, "BAStatus"))
	}
	_, ks, _ := f.eng.CampaignStatus(context.Background(), c.ID)
	f.hangUp(ks[0].Call)
	f.wantState("1001", model.StateReservedOutbound, "")
	f.wantFates(c.ID, "ANSWERED/1", "DIALED/1")

	// Nobody answers: the agent is free, and the contact is tried again a
	// minute later, up to its three attempts.
	f.clock.Advance(30 * time.Second)
	f.wantFates(c.ID, "ANSWERED/1", "NO_ANSWER/1")
	f.wantState("1001", model.StateReady, "")
	f.clock.Advance(time.Minute)
	f.wantFates(c.ID, "ANSWERED/1", "DIALED/2")
	f.wantState("1001", model.StateReservedOutbound, "")
	f.clock.Advance(30*time.Second + time.Minute + 30*time.Second)
	f.wantFates(c.ID, "ANSWERED/1", "NO_ANSWER/3")
	f.wantState("1001", model.StateReady, "")
}

// PREDICTIVE dials ratio lines for each agent it holds: more customers
// answer than there are agents, and the one left over is abandoned.
func TestPredictiveCampaign(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.ready("1002", "3002")
	c := f.startCampaignReq(acd.CampaignRequest{Name: "P", Mode: acd.ModePredictive, Queue: "100", Ratio: 1.5, MaxAttempts: 1},
		"5550100", "5550100", "5550100", "5550100")
	f.wantState("1001", model.StateReservedOutbound, "")
	f.wantState("1002", model.StateReservedOutbound, "")
	f.wantFates(c.ID, "DIALED/1", "DIALED/1", "DIALED/1", "PENDING/0")

	f.clock.Advance(time.Second)
	f.wantState("1001", model.StateTalking, "")
	f.wantState("1002", model.StateTalking, "")
	f.wantFates(c.ID, "ANSWERED/1", "ANSWERED/1", "ABANDONED/1", "PENDING/0")
	if d := f.dialogOf("1002"); variable(d, "BAStatus") != "PREDICTIVE_OUTBOUND" {
		t.Fatalf("BAStatus %q", variable(d, "BAStatus"))
	}

	stopped, err := f.eng.StopCampaign(context.Background(), c.ID)
	if err != nil || stopped.Active() {
		t.Fatalf("StopCampaign: %+v %v", stopped, err)
	}
	f.act("1001", f.dialogOf("1001").ID, "DROP")
	f.wantState("1001", model.StateReady, "")
	f.wantFates(c.ID, "ANSWERED/1", "ANSWERED/1", "ABANDONED/1", "PENDING/0")
}

// A callback scheduled during the call comes back, when due on the ACD
// clock, as a reservation for the agent who scheduled it (personal), at
// the customer's new number; it can be moved and taken back.
func TestPersonalCallback(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.startCampaignReq(acd.CampaignRequest{Name: "C", Mode: acd.ModeProgressive, Queue: "100", PersonalCallbacks: true}, "5550100")
	f.clock.Advance(time.Second)
	id := f.dialogOf("1001").ID

	// t0 is 09:00 UTC, 05:00 in New York.
	if _, err := f.actParams("1001", id, acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackTime: "2024-05-01T04:59"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("a callback in the past: %v", err)
	}
	if _, err := f.actParams("1001", id, acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackNumber: "5550101"}); !errors.Is(err, acd.ErrParameterMissing) {
		t.Fatalf("a callback number with no time: %v", err)
	}
	if _, err := f.actParams("1001", id, acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackTime: "2024-05-01T05:30"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.actParams("1001", id, acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackTime: "2024-05-01T06:00", CallbackNumber: "5550100"}); err != nil {
		t.Fatal(err)
	}
	d := f.dialogOf("1001")
	if cb := d.ScheduledCallback; cb == nil || cb.CallbackTime != "2024-05-01T06:00" || cb.CallbackNumber != "5550100" {
		t.Fatalf("scheduledCallbackInfo: %+v", d.ScheduledCallback)
	}
	if !slices.Contains(d.Participants[0].Actions, "CANCEL_SCHEDULED_CALLBACK") {
		t.Fatalf("actions once scheduled: %v", d.Participants[0].Actions)
	}
	f.wantFates(c.ID, "CALLBACK/1")
	f.act("1001", id, "DROP")
	f.wantState("1001", model.StateReady, "")

	f.clock.Advance(59 * time.Minute)
	f.wantState("1001", model.StateReady, "")
	mark := f.last()
	f.clock.Advance(time.Minute)
	f.eng.Sweep(context.Background())
	evs := f.described(mark)
	want := dialogsEv("POST", "1001", "", dlg("2", "ALERTING", "OUTBOUND_PREVIEW", "5550100", "3001", party("3001", "ALERTING", "ACCEPT", "CLOSE")))
	if !slices.Contains(evs, want) {
		t.Fatalf("at the callback time: %q", evs)
	}
	f.act("1001", "2", "CLOSE")
	f.wantFates(c.ID, "CLOSED/1")
}

func TestCancelCallback(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.startCampaign(acd.ModeProgressive, "100", "5550100")
	f.clock.Advance(time.Second)
	id := f.dialogOf("1001").ID
	if _, err := f.actParams("1001", id, acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackTime: "2024-05-01T05:30"}); err != nil {
		t.Fatal(err)
	}
	f.act("1001", id, "CANCEL_SCHEDULED_CALLBACK")
	if d := f.dialogOf("1001"); d.ScheduledCallback != nil {
		t.Fatalf("callback after CANCEL: %+v", d.ScheduledCallback)
	}
	f.wantFates(c.ID, "ANSWERED/1")
	f.act("1001", id, "DROP")
	f.clock.Advance(time.Hour)
	f.eng.Sweep(context.Background())
	f.wantState("1001", model.StateReady, "")
}

// The flavour decides which preview reservations a desktop answers, and
// a reservation takes only its own actions.
func TestOutboundRefusals(t *testing.T) {
	uccx := withDialPlan(t)
	uccx.Settings.DeploymentType = "UCCX"
	for _, tc := range []struct {
		name string
		f    *fixture
		mode acd.CampaignMode
	}{
		{"UCCX, Preview", newFixture(t, uccx), acd.ModePreview},
		{"UCCE, Direct Preview", newFixture(t, withDialPlan(t)), acd.ModeDirectPreview},
	} {
		tc.f.ready("1001", "3001")
		tc.f.startCampaign(tc.mode, "100", "5550100")
		if _, err := tc.f.actParams("1001", "1", acd.DialogRequest{Action: "ACCEPT"}); !errors.Is(err, acd.ErrNotImplemented) {
			t.Errorf("%s: ACCEPT: %v, want not implemented", tc.name, err)
		}
	}

	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.startCampaign(acd.ModeDirectPreview, "100", "5550100")
	f = newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.startCampaign(acd.ModePreview, "100", "5550100")
	mark := f.last()
	rid := f.act("1001", "1", "HOLD")
	f.wantEvents(mark, errEv("Dialog/1", "User/1001/Dialogs", rid, "Generic Error", invalidAction("HOLD", "3001")))
	f.act("1001", "1", "ACCEPT")
	f.clock.Advance(time.Second)
	for _, bad := range []string{"", "MAYBE"} {
		if _, err := f.actParams("1001", "1", acd.DialogRequest{Action: "RECLASSIFY", Classification: bad}); err == nil {
			t.Errorf("RECLASSIFY %q accepted", bad)
		}
	}
}

func TestCampaignValidation(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	ok := acd.ContactRequest{PhoneNumber: "5550100"}
	for _, tc := range []struct {
		req   acd.CampaignRequest
		field string
	}{
		{acd.CampaignRequest{Mode: acd.ModePreview, Queue: "100", Contacts: []acd.ContactRequest{ok}}, "name"},
		{acd.CampaignRequest{Name: "x", Mode: "BLAST", Queue: "100", Contacts: []acd.ContactRequest{ok}}, "mode"},
		{acd.CampaignRequest{Name: "x", Mode: acd.ModePreview, Queue: "999", Contacts: []acd.ContactRequest{ok}}, "queue"},
		{acd.CampaignRequest{Name: "x", Mode: acd.ModePredictive, Queue: "100", Ratio: 0.5, Contacts: []acd.ContactRequest{ok}}, "ratio"},
		{acd.CampaignRequest{Name: "x", Mode: acd.ModePreview, Queue: "100"}, "contacts"},
		{acd.CampaignRequest{Name: "x", Mode: acd.ModePreview, Queue: "100", Contacts: []acd.ContactRequest{ok, {PhoneNumber: "55-01"}}}, "contacts/Contact[2]/phoneNumber"},
		{acd.CampaignRequest{Name: "x", Mode: acd.ModePreview, Queue: "100", Contacts: []acd.ContactRequest{{PhoneNumber: "1", TimeZone: "Mars/Olympus"}}}, "contacts/Contact[1]/timeZone"},
	} {
		_, err := f.eng.StartCampaign(context.Background(), tc.req)
		var re *acd.RequestError
		if !errors.As(err, &re) || re.Field != tc.field {
			t.Errorf("%+v: %v, want a refusal naming %s", tc.req, err, tc.field)
		}
	}
}

// Stopping a campaign withdraws the previews not yet accepted and lets go
// of the agents it holds; Reset stops every campaign.
func TestStopCampaignWithdraws(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.ready("1002", "3002")
	preview := f.startCampaign(acd.ModePreview, "100", "5550100")
	f.wantState("1001", model.StateReservedOutboundPreview, "")
	predictive := f.startCampaign(acd.ModePredictive, "100", "5550188")
	f.wantState("1002", model.StateReservedOutbound, "")

	if _, err := f.eng.StopCampaign(context.Background(), preview.ID); err != nil {
		t.Fatal(err)
	}
	f.wantState("1001", model.StateReady, "") // the other campaign has no one left to call
	f.wantFates(preview.ID, "PENDING/0")
	if err := f.eng.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	f.wantState("1001", model.StateLogout, "-1")
	f.wantState("1002", model.StateLogout, "-1")
	f.wantFates(predictive.ID, "PENDING/1")
	all, err := f.eng.Campaigns(context.Background())
	if err != nil || len(all) != 2 || all[0].Active() || all[1].Active() {
		t.Fatalf("campaigns after Reset: %+v %v", all, err)
	}
	if _, err := f.eng.StopCampaign(context.Background(), "404"); !errors.Is(err, acd.ErrNotFound) {
		t.Fatalf("stopping no campaign: %v", err)
	}
}

// On UCCE an agent held for a customer may leave RESERVED_OUTBOUND: the
// customer who answers goes to another held agent, or is abandoned.
func TestLeaveOutboundHold(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.startCampaignReq(acd.CampaignRequest{Name: "P", Mode: acd.ModeProgressive, Queue: "100", MaxAttempts: 1}, "5550100")
	f.wantState("1001", model.StateReservedOutbound, "")
	f.mustChange("1001", "1001", model.StateNotReady, "", "1")
	f.clock.Advance(time.Second)
	f.wantState("1001", model.StateNotReady, "1")
	f.wantFates(c.ID, "ABANDONED/1")
}

// An Outbound Option call counts in the campaign queue's statistics as a
// routed call (never Active Out) and in the agent's history; a preview
// reservation does not.
func TestOutboundInStatisticsAndHistory(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.startCampaign(acd.ModePreview, "100", "5550100")
	f.act("1001", "1", "REJECT")
	f.act("1001", "2", "ACCEPT")
	f.clock.Advance(time.Second)
	q, err := f.eng.Queue(context.Background(), "100")
	if err != nil {
		t.Fatal(err)
	}
	if s := q.Statistics; s.AgentsTalkingInbound != 1 || s.AgentsTalkingOutbound != 0 {
		t.Fatalf("queue 100 while 1001 talks to the customer: %+v", s)
	}
	f.act("1001", "2", "DROP")
	h := f.history("1001", "1001")
	if len(h.Calls) != 1 || h.Calls[0].Type != "OUTBOUND" || h.Calls[0].Number != "5550100" {
		t.Fatalf("history: %+v", h.Calls)
	}
}

// Lines placed together but due at different times are each settled when
// due, by the timers the dialer arms (no sweeper runs in these tests).
func TestLinesSettleWhenDue(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	f.ready("1002", "3002")
	c := f.startCampaignReq(acd.CampaignRequest{Name: "P", Mode: acd.ModeProgressive, Queue: "100", MaxAttempts: 1}, "5550100", "5550188")
	f.wantFates(c.ID, "DIALED/1", "DIALED/1")
	f.clock.Advance(time.Second)
	f.wantFates(c.ID, "ANSWERED/1", "DIALED/1")
	f.clock.Advance(29 * time.Second)
	f.wantFates(c.ID, "ANSWERED/1", "NO_ANSWER/1")
}

// A regular (not personal) callback comes back to the queue in the
// campaign's mode, to whichever agent is READY, at the callback number.
func TestRegularCallback(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.startCampaign(acd.ModePreview, "100", "5550100")
	f.act("1001", "1", "ACCEPT")
	f.clock.Advance(time.Second)
	if _, err := f.actParams("1001", "1", acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackTime: "2024-05-01T06:00", CallbackNumber: "5550101"}); err != nil {
		t.Fatal(err)
	}
	f.act("1001", "1", "DROP")
	f.mustChange("1001", "1001", model.StateNotReady, "", "1")
	f.ready("1002", "3002")
	f.clock.Advance(time.Hour)
	f.wantState("1002", model.StateReservedOutboundPreview, "")
	d := f.dialogOf("1002")
	if d.FromAddress != "5550101" || len(d.Participants[0].Actions) != 3 {
		t.Fatalf("the callback's reservation: from %s, actions %v", d.FromAddress, d.Participants[0].Actions)
	}
	f.wantFates(c.ID, "RESERVED/1")
}

// UCCX takes Direct Preview reservations: ACCEPT dials from the agent's
// phone, and the dialog carries BACustomerNumber too.
func TestDirectPreviewOnUCCX(t *testing.T) {
	cfg := withDialPlan(t)
	cfg.Settings.DeploymentType = "UCCX"
	f := newFixture(t, cfg)
	f.ready("1001", "3001")
	f.startCampaign(acd.ModeDirectPreview, "100", "5550100")
	if got := variable(f.dialogOf("1001"), "BACustomerNumber"); got != "5550100" {
		t.Fatalf("BACustomerNumber %q", got)
	}
	f.act("1001", "1", "ACCEPT")
	f.clock.Advance(time.Second)
	f.wantState("1001", model.StateTalking, "")
}

// Wrap-up follows an Outbound Option call as the team's wrapUpOnOutgoing
// says, whatever its incoming mode: REQUIRED, so the agent wraps up.
func TestOutboundWrapUp(t *testing.T) {
	cfg := withDialPlan(t)
	for i := range cfg.Teams {
		cfg.Teams[i].WrapUpOnOutgoing = model.WrapUpRequired
		cfg.Teams[i].WrapUpOnIncoming = model.WrapUpNotAllowed
	}
	f := newFixture(t, cfg)
	f.ready("1001", "3001")
	f.startCampaign(acd.ModeProgressive, "100", "5550100")
	f.clock.Advance(time.Second)
	f.act("1001", f.dialogOf("1001").ID, "DROP")
	f.wantState("1001", model.StateWorkReady, "")
}

// What a review found: a NaN ratio was taken; a progressive callback
// showed the contact's first number; predictive held every READY agent
// for one customer; a preview nobody could answer held its agent for ever.
func TestOutboundReviewFindings(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	if _, err := f.eng.StartCampaign(context.Background(), acd.CampaignRequest{
		Name: "n", Mode: acd.ModePredictive, Queue: "100", Ratio: math.NaN(), Contacts: []acd.ContactRequest{{PhoneNumber: "1"}},
	}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("a NaN ratio: %v", err)
	}

	f.ready("1001", "3001")
	c := f.startCampaign(acd.ModeProgressive, "100", "5550100")
	f.clock.Advance(time.Second)
	id := f.dialogOf("1001").ID
	if _, err := f.actParams("1001", id, acd.DialogRequest{Action: "UPDATE_SCHEDULED_CALLBACK", CallbackTime: "2024-05-01T06:00", CallbackNumber: "5550102"}); err != nil {
		t.Fatal(err)
	}
	f.act("1001", id, "DROP")
	f.clock.Advance(time.Hour + time.Second)
	if d := f.dialogOf("1001"); d.ToAddress != "5550102" || d.CallbackNumber != "5550102" {
		t.Fatalf("the callback's call: to %s, callbackNumber %s", d.ToAddress, d.CallbackNumber)
	}
	f.act("1001", f.dialogOf("1001").ID, "DROP")
	if _, err := f.eng.StopCampaign(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}

	f.ready("1002", "3002")
	f.startCampaignReq(acd.CampaignRequest{Name: "p", Mode: acd.ModePredictive, Queue: "100", Ratio: 1}, "5550188")
	held := 0
	for _, a := range []string{"1001", "1002"} {
		if f.agent(a).State == model.StateReservedOutbound {
			held++
		}
	}
	if held != 1 {
		t.Fatalf("%d agents held for one customer", held)
	}
}

func TestPreviewReservationTimesOut(t *testing.T) {
	f := newFixture(t, withDialPlan(t))
	f.ready("1001", "3001")
	c := f.startCampaign(acd.ModeDirectPreview, "100", "5550100") // UCCE cannot answer it
	f.wantState("1001", model.StateReservedOutboundPreview, "")
	first := f.dialogOf("1001").ID
	f.clock.Advance(2 * time.Minute)
	// Withdrawn, and offered again at once: the only agent is READY.
	if again := f.dialogOf("1001").ID; again == first {
		t.Fatalf("reservation %s still on the desktop after its time", first)
	}
	f.wantFates(c.ID, "RESERVED/0")
	if _, err := f.eng.StopCampaign(context.Background(), c.ID); err != nil {
		t.Fatal(err)
	}
	f.wantState("1001", model.StateReady, "")
}
