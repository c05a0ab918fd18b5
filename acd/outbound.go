package acd

import (
	"context"
	"log/slog"
	"time"

	"github.com/finessed/finessed/model"
)

// previewTimeout is how long a preview reservation waits for ACCEPT,
// REJECT or CLOSE before the dialer takes it back (the agent may have lost
// its desktop, or be unable to answer it on this flavour).
const previewTimeout = 2 * time.Minute

// The call types of Outbound Option dialogs: the preview reservation,
// and the call to the customer once connected.
const (
	callTypeOutboundPreview = "OUTBOUND_PREVIEW"
	callTypeOutbound        = "OUTBOUND"
)

// OutboundLeg ties a dialog to the campaign contact it calls.
type OutboundLeg struct {
	Campaign string
	Contact  int
	Mode     CampaignMode
	// Reservation marks a preview reservation not yet accepted, Personal
	// one that brings back a personal callback.
	Reservation bool
	Personal    bool
	// Expires is when a reservation not answered is withdrawn, as a
	// dialer's reservation timer does.
	Expires  time.Time
	Number   string // the customer's number
	TimeZone string // the customer's, for callback times
	// Classification is the agent's RECLASSIFY; CallbackTime (customer's
	// local time, YYYY-MM-DDTHH:MM) and CallbackNumber the callback it
	// scheduled.
	Classification string
	CallbackTime   string
	CallbackNumber string
}

// baStatus is BAStatus as the Finesse JavaScript library names its values.
func baStatus(mode CampaignMode, reservation bool) string {
	switch {
	case reservation:
		return "PREVIEW_OUTBOUND_RESERVATION"
	case mode == ModePredictive:
		return "PREDICTIVE_OUTBOUND"
	case mode == ModeProgressive:
		return "PROGRESSIVE_OUTBOUND"
	}
	return "PREVIEW_OUTBOUND"
}

// baVariables are the Outbound Option ECC variables of a call to k: what
// a desktop shows of the customer. UCCX adds the customer's number.
func baVariables(c Campaign, k Contact, status string, uccx bool) []model.CallVariable {
	buddy := k.FirstName + "," + k.LastName
	if buddy == "," {
		buddy = ""
	}
	vars := []model.CallVariable{
		{Name: "BAAccountNumber", Value: k.AccountNumber},
		{Name: "BACampaign", Value: c.Name},
		{Name: "BADialedListID", Value: k.ID()},
		{Name: "BAResponse"},
		{Name: "BAStatus", Value: status},
		{Name: "BATimeZone", Value: k.TimeZone},
		{Name: "BABuddyName", Value: buddy},
	}
	if uccx {
		vars = append(vars, model.CallVariable{Name: "BACustomerNumber", Value: k.Number()})
	}
	return vars
}

// reservePreview puts contact k on an agent's desktop: the agent goes
// RESERVED_OUTBOUND_PREVIEW with an OUTBOUND_PREVIEW dialog ringing, and
// the customer is dialed only if it accepts.
func (e *Engine) reservePreview(tx Tx, c Campaign, q *Queue, k Contact, cand candidate, personal bool) error {
	id, err := tx.NextID("dialog")
	if err != nil {
		return err
	}
	now := e.clock.Now()
	ext, number := cand.agent.Extension, k.Number()
	d := Dialog{
		ID: id, CallType: callTypeOutboundPreview, From: number, To: ext, DialedNumber: number,
		Queue: q.ID, QueueName: q.Name, State: DialogAlerting, Created: now,
		Variables: baVariables(c, k, baStatus(c.Mode, true), e.dir.UCCX()),
		Parties:   []Party{{Address: ext, AddressType: "AGENT_DEVICE", Agent: cand.user.ID, State: PartyAlerting, Start: now, Changed: now}},
		Outbound: OutboundLeg{
			Campaign: c.ID, Contact: k.N, Mode: c.Mode, Reservation: true, Personal: personal,
			Number: number, TimeZone: k.TimeZone, Expires: now.Add(previewTimeout),
		},
	}
	e.timers.after(e.clock, previewTimeout, func() { e.Sweep(context.Background()) })
	a := e.enter(cand.agent, model.StateReservedOutboundPreview, "")
	a.Dialogs = append(a.Dialogs, id)
	tx.PutDialog(d)
	tx.PutAgent(a)
	k.Status, k.Agent, k.Dialog, k.Updated = ContactReserved, cand.user.ID, id, now
	tx.PutContact(k)
	if err := e.emitUser(tx, cand.user, a, ""); err != nil {
		return err
	}
	tx.Emit(e.dialogAdded(cand.user.ID, d, ""))
	return nil
}

// mayLeaveOutboundHold reports whether an agent the dialer holds for a
// customer (RESERVED_OUTBOUND, no call yet) may leave at once for the
// state it asks: on UCCE it may go READY or NOT_READY; UCCX keeps it until
// the dialer lets it go, so there the request waits as any other.
func (e *Engine) mayLeaveOutboundHold(a Agent, req StateRequest, forced bool) bool {
	return a.State == model.StateReservedOutbound && len(a.Dialogs) == 0 && !forced && !e.dir.UCCX() &&
		(req.State == model.StateReady || req.State == model.StateNotReady)
}

// outboundView adds to v what an Outbound Option dialog shows.
func outboundView(d Dialog, v *model.Dialog) {
	o := d.Outbound
	if o.Campaign == "" {
		return
	}
	v.CallbackNumber = o.Number
	v.MediaProperties.OutboundClassification = o.Classification
	if o.CallbackTime != "" {
		v.ScheduledCallback = &model.ScheduledCallback{CallbackTime: o.CallbackTime, CallbackNumber: o.CallbackNumber}
	}
}

// outboundActions are the actions of an agent's party on an Outbound
// Option dialog, or nil when d is not one (the call's own apply).
func outboundActions(d Dialog, p Party) []string {
	o := d.Outbound
	if o.Campaign == "" || p.Agent == "" {
		return nil
	}
	if o.Reservation {
		if p.State != PartyAlerting {
			return nil
		}
		if o.Personal {
			return []string{"ACCEPT", "CLOSE"}
		}
		return []string{"ACCEPT", "REJECT", "CLOSE"}
	}
	var acts []string
	switch p.State {
	case PartyActive, PartyHeld, PartyWrapUp:
		acts = append(acts, "UPDATE_SCHEDULED_CALLBACK")
		if o.CallbackTime != "" {
			acts = append(acts, "CANCEL_SCHEDULED_CALLBACK")
		}
		acts = append(acts, "RECLASSIFY")
	}
	return acts
}

// sweepPreviews withdraws the preview reservations nobody answered in
// previewTimeout: the contact is tried again, the agent goes on to READY
// (or the state it asked for), one signed out meanwhile stays so.
func (e *Engine) sweepPreviews(ctx context.Context) {
	dialogs, err := e.store.Dialogs(ctx)
	if err != nil {
		return
	}
	now := e.clock.Now()
	for _, d := range dialogs {
		if !d.Outbound.Reservation || d.State == DialogDropped || now.Before(d.Outbound.Expires) {
			continue
		}
		var agents []string
		err := e.update(ctx, func(tx Tx) error {
			cur, found, err := tx.Dialog(d.ID)
			if err != nil || !found || !cur.Outbound.Reservation || cur.State == DialogDropped {
				return err
			}
			agents = agentsOn(cur)
			return e.hangUp(tx, cur, "", "")
		})
		if err != nil {
			slog.Error("withdraw preview", "dialog", d.ID, "err", err)
			continue
		}
		e.routeIfReady(ctx, agents...)
	}
}
