package acd

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The outboundClassification values RECLASSIFY takes: what the agent
// found at the number (the desktop's answering machine, fax, busy,
// invalid number and voice, and do-not-call).
var outboundClassifications = map[string]bool{
	"VOICE": true, "ANS_MACHINE": true, "FAX": true, "BUSY": true, "INVALID": true, "DO_NOT_CALL": true,
}

// callbackLayout is how Finesse writes a callback time: the customer's
// local time to the minute.
const callbackLayout = "2006-01-02T15:04"

// actOutbound carries out an Outbound Option action on d, reporting
// whether action was one.
func (e *Engine) actOutbound(tx Tx, u *User, a Agent, d Dialog, req DialogRequest) (bool, error) {
	switch req.Action {
	case "ACCEPT":
		return true, e.acceptPreview(tx, u, a, d, req.RequestID)
	case "REJECT", "CLOSE":
		return true, e.declinePreview(tx, u, d, req)
	case "RECLASSIFY":
		d.Outbound.Classification = req.Classification
		d.Variables = mergeVariables(d.Variables, []model.CallVariable{{Name: "BAResponse", Value: req.Classification}})
		err := e.setContact(tx, d.Outbound.Campaign, d.Outbound.Contact, func(k *Contact) { k.Classification = req.Classification })
		tx.PutDialog(d)
		tx.Emit(e.dialogChanged(d, req.RequestID))
		return true, err
	case "UPDATE_SCHEDULED_CALLBACK":
		return true, e.scheduleCallback(tx, u, d, req)
	case "CANCEL_SCHEDULED_CALLBACK":
		return true, e.cancelCallback(tx, d, req.RequestID)
	}
	return false, nil
}

// acceptPreview shows the reservation ACCEPTED, then dials the customer
// from the agent's phone as the dial plan says. A number that is busy or
// invalid ends the reservation at once and the agent is READY again, as
// the desktop guide describes.
func (e *Engine) acceptPreview(tx Tx, u *User, a Agent, d Dialog, rid string) error {
	now := e.clock.Now()
	o := &d.Outbound
	p, _ := d.party(u.ID)
	o.Reservation = false
	p.State, p.Changed, d.State = "ACCEPTED", now, "ACCEPTED"
	d.Variables = mergeVariables(d.Variables, []model.CallVariable{{Name: "BAResponse", Value: "Accept"}})
	accepted := e.dialogChanged(d, rid)
	accepted.dialogPut = "" // a step of its own, not superseded by the dial below
	tx.Emit(accepted)

	p.State, d.State, d.From, d.To = PartyInitiated, DialogAlerting, a.Extension, o.Number
	far, err := e.farEnd(tx, &d, o.Number)
	if err != nil {
		return err
	}
	d.CallType = callTypeOutbound
	d.Variables = mergeVariables(d.Variables, []model.CallVariable{{Name: "BAStatus", Value: baStatus(o.Mode, false)}})
	d.Parties = append(d.Parties, far)
	status := ContactDialed
	if d.State == DialogFailed {
		status = ContactBusy
		if e.dir.Dial(o.Number).Behaviour == directory.DialInvalid {
			status = ContactInvalid
		}
	}
	if err := e.contactAttempted(tx, o.Campaign, o.Contact, status); err != nil {
		return err
	}
	tx.PutDialog(d)
	if status != ContactDialed {
		failed := e.dialogChanged(d, rid)
		failed.dialogPut = "" // shown before the hang-up that ends it
		tx.Emit(failed)
		return e.hangUp(tx, d, u.ID, rid)
	}
	tx.Emit(e.dialogChanged(d, rid))
	e.armAnswer(d)
	return nil
}

// contactAttempted records a call placed to contact n and, when it
// reached nobody, that it did.
func (e *Engine) contactAttempted(tx Tx, campaign string, n int, status ContactStatus) error {
	c, found, err := tx.Campaign(campaign)
	if err != nil || !found {
		return err
	}
	k, found, err := tx.Contact(campaign, n)
	if err != nil || !found {
		return err
	}
	k.Attempts++
	k.Status, k.Updated = status, e.clock.Now()
	if status != ContactDialed {
		attemptFailed(&c, &k, status, k.Updated)
		tx.PutCampaign(c)
	}
	tx.PutContact(k)
	return nil
}

// declinePreview ends a preview reservation: REJECT leaves the contact
// in the campaign for later, CLOSE closes it for the campaign.
func (e *Engine) declinePreview(tx Tx, u *User, d Dialog, req DialogRequest) error {
	o := d.Outbound
	status, response := ContactClosed, "Close"
	if req.Action == "REJECT" {
		status, response = ContactRejected, "Reject"
	}
	if err := e.setContact(tx, o.Campaign, o.Contact, func(k *Contact) { k.Status = status }); err != nil {
		return err
	}
	if status == ContactRejected {
		if err := e.requeue(tx, o.Campaign, o.Contact); err != nil {
			return err
		}
	}
	d.Variables = mergeVariables(d.Variables, []model.CallVariable{{Name: "BAResponse", Value: response}})
	return e.hangUp(tx, d, u.ID, req.RequestID)
}

// requeue puts contact n back in line to be tried again.
func (e *Engine) requeue(tx Tx, campaign string, n int) error {
	c, found, err := tx.Campaign(campaign)
	if err != nil || !found {
		return err
	}
	c.Retry = append(c.Retry, Callback{Contact: n, Due: e.clock.Now()})
	tx.PutCampaign(c)
	return nil
}

// recallback puts a personal callback back in its campaign's list.
func (e *Engine) recallback(tx Tx, campaign string, cb Callback) error {
	c, found, err := tx.Campaign(campaign)
	if err != nil || !found {
		return err
	}
	c.Callbacks = append(slices.Clone(c.Callbacks), cb)
	tx.PutCampaign(c)
	return nil
}

// callbackDue is when a callback at local (YYYY-MM-DDTHH:MM) in zone tz
// (UTC when the contact names none) falls.
func callbackDue(local, tz string) (time.Time, error) {
	loc := time.UTC
	if tz != "" {
		var err error
		if loc, err = time.LoadLocation(tz); err != nil {
			return time.Time{}, err
		}
	}
	return time.ParseInLocation(callbackLayout, local, loc)
}

// scheduleCallback schedules (or moves) the customer's callback: the
// contact comes due again then, for the agent who scheduled it when the
// campaign's callbacks are personal.
func (e *Engine) scheduleCallback(tx Tx, u *User, d Dialog, req DialogRequest) error {
	o := &d.Outbound
	if req.CallbackTime != "" {
		o.CallbackTime = req.CallbackTime
	}
	o.CallbackNumber = cmp.Or(req.CallbackNumber, o.CallbackNumber, o.Number)
	due, err := callbackDue(o.CallbackTime, o.TimeZone)
	if err != nil {
		return err
	}
	c, found, err := tx.Campaign(o.Campaign)
	if err != nil || !found {
		return err
	}
	cb := Callback{Contact: o.Contact, Due: due}
	if c.PersonalCallbacks {
		cb.Agent = u.ID
	}
	c.Callbacks = append(slices.DeleteFunc(slices.Clone(c.Callbacks), func(x Callback) bool { return x.Contact == o.Contact }), cb)
	tx.PutCampaign(c)
	err = e.setContact(tx, o.Campaign, o.Contact, func(k *Contact) {
		k.Status, k.CallbackAt, k.CallbackNumber = ContactCallback, due, o.CallbackNumber
	})
	tx.PutDialog(d)
	tx.Emit(e.dialogChanged(d, req.RequestID))
	e.timers.after(e.clock, due.Sub(e.clock.Now()), func() { e.Sweep(context.Background()) })
	return err
}

// cancelCallback takes the customer's callback back.
func (e *Engine) cancelCallback(tx Tx, d Dialog, rid string) error {
	o := &d.Outbound
	o.CallbackTime, o.CallbackNumber = "", ""
	c, found, err := tx.Campaign(o.Campaign)
	if err != nil || !found {
		return err
	}
	c.Callbacks = slices.DeleteFunc(slices.Clone(c.Callbacks), func(x Callback) bool { return x.Contact == o.Contact })
	tx.PutCampaign(c)
	err = e.setContact(tx, o.Campaign, o.Contact, func(k *Contact) {
		k.Status, k.CallbackAt, k.CallbackNumber = ContactAnswered, time.Time{}, ""
	})
	tx.PutDialog(d)
	tx.Emit(e.dialogChanged(d, rid))
	return err
}

// checkOutboundRequest refuses at once an Outbound Option action whose
// data is wrong, or that this deployment's flavour does not take: Preview
// reservations are answered on UCCE only, Direct Preview ones on UCCX
// only (the reference answers the other with 501).
func (e *Engine) checkOutboundRequest(d Dialog, req DialogRequest) error {
	o := d.Outbound
	switch req.Action {
	case "ACCEPT", "REJECT", "CLOSE":
		if !o.Reservation || o.Personal {
			return nil
		}
		if e.dir.UCCX() && o.Mode == ModePreview {
			return refuse(ErrNotImplemented, "requestedAction", "Outbound Option Preview reservations are answered on UCCE only")
		}
		if !e.dir.UCCX() && o.Mode == ModeDirectPreview {
			return refuse(ErrNotImplemented, "requestedAction", "Direct Preview reservations are answered on UCCX only")
		}
	case "RECLASSIFY":
		switch {
		case req.Classification == "":
			return refuse(ErrParameterMissing, "outboundClassification", "RECLASSIFY needs the outboundClassification action parameter")
		case !outboundClassifications[req.Classification]:
			return refuse(ErrInvalidInput, "outboundClassification", "outboundClassification is VOICE, ANS_MACHINE, FAX, BUSY, INVALID or DO_NOT_CALL")
		}
	case "UPDATE_SCHEDULED_CALLBACK":
		return e.checkCallback(o, req)
	}
	return nil
}

// checkCallback refuses a callback Finesse would not schedule: no time
// at all, a time not in YYYY-MM-DDTHH:MM or already past in the
// customer's zone, a number that cannot be dialed.
func (e *Engine) checkCallback(o OutboundLeg, req DialogRequest) error {
	if req.CallbackTime == "" && req.CallbackNumber == "" {
		return refuse(ErrParameterMissing, "callbackTime", "UPDATE_SCHEDULED_CALLBACK needs callbackTime or callbackNumber")
	}
	if req.CallbackNumber != "" && !directory.IsDialString(req.CallbackNumber) {
		return refuse(ErrInvalidInput, "callbackNumber", "callbackNumber is digits, with an optional leading +")
	}
	local := cmp.Or(req.CallbackTime, o.CallbackTime)
	if local == "" {
		return refuse(ErrParameterMissing, "callbackTime", "no callback is scheduled yet: callbackTime is required")
	}
	due, err := callbackDue(local, o.TimeZone)
	if err != nil {
		return refuse(ErrInvalidInput, "callbackTime", "callbackTime is YYYY-MM-DDTHH:MM in the customer's time zone")
	}
	if !due.After(e.clock.Now()) {
		return refuse(ErrInvalidInput, "callbackTime", "callbackTime is in the past")
	}
	return nil
}

// outboundAnswered records that the customer of an accepted preview
// answered: the contact is ANSWERED and the call becomes a customer call
// the simulator's API can hang up.
func (e *Engine) outboundAnswered(tx Tx, d *Dialog) error {
	o := d.Outbound
	if o.Campaign == "" || d.CallID != "" {
		return nil
	}
	callID, err := tx.NextID("call")
	if err != nil {
		return err
	}
	agent := ""
	if p := slices.IndexFunc(d.Parties, func(p Party) bool { return p.Agent != "" }); p >= 0 {
		agent = d.Parties[p].Agent
	}
	d.CallID = callID
	tx.PutCall(Call{
		ID: callID, Queue: d.Queue, ANI: o.Number, State: CallConnected, DialogID: d.ID, Agent: agent, Enqueued: e.clock.Now(),
	})
	return e.setContact(tx, o.Campaign, o.Contact, func(k *Contact) {
		k.Status, k.Agent, k.Dialog, k.Call = ContactAnswered, agent, d.ID, callID
	})
}

// outboundEnded settles the contact of an outbound dialog that ended
// before it was answered: a reservation taken away (the agent signed out)
// leaves the contact to try again, a customer who never answered counts
// as an attempt that reached nobody.
func (e *Engine) outboundEnded(tx Tx, d Dialog) error {
	o := d.Outbound
	if o.Campaign == "" {
		return nil
	}
	k, found, err := tx.Contact(o.Campaign, o.Contact)
	if err != nil || !found {
		return err
	}
	switch k.Status {
	case ContactReserved:
		if err := e.setContact(tx, o.Campaign, o.Contact, func(k *Contact) { k.Status = ContactPending }); err != nil {
			return err
		}
		if o.Personal { // still the same agent's callback
			return e.recallback(tx, o.Campaign, Callback{Contact: o.Contact, Due: e.clock.Now(), Agent: k.Agent})
		}
		return e.requeue(tx, o.Campaign, o.Contact)
	case ContactDialed:
		c, found, err := tx.Campaign(o.Campaign)
		if err != nil || !found {
			return err
		}
		k.Updated = e.clock.Now()
		attemptFailed(&c, &k, ContactNoAnswer, k.Updated)
		tx.PutCampaign(c)
		tx.PutContact(k)
	}
	return nil
}
