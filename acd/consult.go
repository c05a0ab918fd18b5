package acd

import (
	"context"
	"slices"
	"time"

	"github.com/finessed/finessed/model"
)

// consult puts the call on hold and calls toAddress from the same agent: a
// second dialog (CONSULT) associated with the first, carrying its call
// data. The held party remembers it, which offers TRANSFER and CONFERENCE.
func (e *Engine) consult(tx Tx, u *User, a Agent, d Dialog, req DialogRequest) error {
	id, err := tx.NextID("dialog")
	if err != nil {
		return err
	}
	now := e.clock.Now()
	c := Dialog{
		ID: id, From: a.Extension, To: req.ToAddress, DialedNumber: req.ToAddress, Variables: d.Variables,
		Queue: d.Queue, QueueName: d.QueueName, State: DialogAlerting, Created: now, Associated: d.ID,
		Parties: []Party{{Address: a.Extension, AddressType: "AGENT_DEVICE", Agent: u.ID, State: PartyInitiated, Start: now, Changed: now}},
	}
	far, err := e.farEnd(tx, &c, req.ToAddress)
	if err != nil {
		return err
	}
	c.CallType = "CONSULT"
	c.Parties = append(c.Parties, far)
	p, _ := d.party(u.ID)
	p.State, p.Consult, p.Changed = PartyHeld, id, now
	a.Dialogs = append(a.Dialogs, id)
	tx.PutDialog(d)
	tx.PutDialog(c)
	tx.PutAgent(a)
	tx.Emit(e.dialogChanged(d, req.RequestID))
	tx.Emit(e.dialogAdded(u.ID, offHook(c), req.RequestID))
	tx.Emit(e.dialing(u.ID, c, req.RequestID))
	if far.Agent != "" {
		return e.ringAgent(tx, far.Agent, c)
	}
	e.armAnswer(c)
	return nil
}

// complete ends a consult by TRANSFER (the consulted party takes the
// agent's place on the original call, and the agent leaves) or CONFERENCE
// (everyone on one call). The consulted party must have answered.
func (e *Engine) complete(tx Tx, u *User, d Dialog, req DialogRequest) error {
	p, _ := d.party(u.ID)
	c, found, err := tx.Dialog(p.Consult)
	if err != nil {
		return err
	}
	if !found || c.State != DialogActive {
		tx.Emit(e.actionRefused(u.ID, d.ID, req, p.Address))
		return nil
	}
	now := e.clock.Now()
	var joining []Party
	for _, q := range c.Parties {
		if q.Agent != u.ID && q.State == PartyActive {
			q.Changed = now
			joining = append(joining, q)
		}
	}
	e.dropDialog(tx, &c, req.RequestID, u.ID)
	// Transfer or conference, the surviving call names the dropped one.
	d.Secondary = c.ID
	transfer := req.Action == "TRANSFER"
	if transfer {
		// The original call survives (its fromAddress and toAddress stay)
		// with the transferring agent's party dropped, kept for its
		// wrap-up as real Finesse keeps it.
		handOver(&d, p, now)
	} else {
		p.Consult, p.ConsultReady, p.State, p.Changed = "", false, PartyActive, now
		d.CallType = "CONFERENCE"
	}
	d.Parties = append(d.Parties, joining...)
	tx.PutDialog(d)
	if err := e.moveAgents(tx, joining, c, d, req.RequestID); err != nil {
		return err
	}
	a, err := tx.Agent(u.ID)
	if err != nil {
		return err
	}
	a.Dialogs = slices.DeleteFunc(a.Dialogs, func(id string) bool { return id == c.ID })
	if transfer {
		tx.PutAgent(a)
		tx.Emit(e.dialogChanged(d, req.RequestID, u.ID))
		if err := e.moveCustomerCall(tx, d, joining); err != nil {
			return err
		}
		return e.leaveDialog(tx, u.ID, d, req.RequestID, leaving{connected: true})
	}
	a = e.enterOnCall(a, model.StateTalking)
	tx.PutAgent(a)
	tx.Emit(e.dialogChanged(d, req.RequestID))
	return e.emitUser(tx, u, a, req.RequestID)
}

// dropDialog ends a dialog that is being merged away: every party drops,
// and each agent's desktop is told.
func (e *Engine) dropDialog(tx Tx, c *Dialog, requestID, by string) {
	now := e.clock.Now()
	agents := agentsOn(*c)
	dropParties(c, now)
	c.State, c.Ended = DialogDropped, now
	tx.PutDialog(*c)
	tx.Emit(e.dialogChanged(*c, requestID, agents...))
	for _, a := range agents {
		rid := ""
		if a == by {
			rid = requestID
		}
		tx.Emit(e.dialogRemoved(a, *c, rid))
	}
}

// moveAgents puts dialog to on the desktops of the agents among joining,
// in place of from.
func (e *Engine) moveAgents(tx Tx, joining []Party, from, to Dialog, requestID string) error {
	for _, q := range joining {
		if q.Agent == "" {
			continue
		}
		b, err := tx.Agent(q.Agent)
		if err != nil {
			return err
		}
		b.Dialogs = slices.DeleteFunc(b.Dialogs, func(id string) bool { return id == from.ID })
		b.Dialogs = append(b.Dialogs, to.ID)
		tx.PutAgent(b)
		tx.Emit(e.dialogAdded(q.Agent, to, ""))
	}
	return nil
}

// moveCustomerCall records which agent now has the customer's call.
func (e *Engine) moveCustomerCall(tx Tx, d Dialog, joining []Party) error {
	if d.CallID == "" || len(joining) == 0 {
		return nil
	}
	call, found, err := tx.Call(d.CallID)
	if err != nil || !found {
		return err
	}
	call.Agent = joining[0].Agent
	tx.PutCall(call)
	return nil
}

// singleStepTransfer sends the call straight on to toAddress: the far end
// rings in the agent's place and the agent leaves at once. A destination
// that cannot take it (busy, invalid) is refused with Invalid Destination
// and the call stays as it was.
func (e *Engine) singleStepTransfer(tx Tx, u *User, d Dialog, req DialogRequest) error {
	if q, ok := e.dir.QueueDialedAt(req.ToAddress); ok {
		return e.transferToQueue(tx, u, d, q, req)
	}
	probe := d
	probe.Parties = slices.Clone(d.Parties)
	far, err := e.farEnd(tx, &probe, req.ToAddress)
	if err != nil {
		return err
	}
	if probe.State == DialogFailed || far.State == PartyDropped {
		tx.Emit(e.dialogError(u.ID, d.ID, req.RequestID, asyncInvalidDestination))
		return nil
	}
	p, _ := d.party(u.ID)
	handOver(&d, p, e.clock.Now())
	d.Parties = append(d.Parties, far)
	// As after a consult transfer, the call keeps its addresses.
	d.AnswerDeadline = probe.AnswerDeadline
	tx.PutDialog(d)
	if far.Agent != "" {
		if err := e.ringAgent(tx, far.Agent, d); err != nil {
			return err
		}
		if err := e.moveCustomerCall(tx, d, []Party{far}); err != nil {
			return err
		}
	}
	tx.Emit(e.dialogChanged(d, req.RequestID, u.ID))
	e.armAnswer(d)
	return e.leaveDialog(tx, u.ID, d, req.RequestID, leaving{connected: true})
}

// transferToQueue sends a customer call back into q, as a transfer to
// the queue's dialed number does: the agent leaves as after any transfer
// (wrap-up on its desktop), and the call waits its turn in q, carrying
// its call data, to be offered as TRANSFER to the next agent. The caller
// of DialogAction routes q once this commits. Only a customer call can go
// to a queue; a call between agents has no place in one.
func (e *Engine) transferToQueue(tx Tx, u *User, d Dialog, q *Queue, req DialogRequest) error {
	call, found, err := tx.Call(d.CallID)
	if err != nil {
		return err
	}
	if !found || d.CallID == "" {
		tx.Emit(e.dialogError(u.ID, d.ID, req.RequestID, asyncInvalidDestination))
		return nil
	}
	waiting, err := tx.Waiting(q.ID)
	if err != nil {
		return err
	}
	now := e.clock.Now()
	call.Queue, call.State, call.DialogID, call.Agent, call.RingDeadline = q.ID, CallQueued, "", "", zeroTime()
	call.Variables, call.Transferred, call.Enqueued = d.Variables, true, now
	tx.PutCall(call)
	tx.PutWaiting(q.ID, append(waiting, call.ID))
	p, _ := d.party(u.ID)
	handOver(&d, p, now)
	d.CallID = ""
	tx.PutDialog(d)
	tx.Emit(e.dialogChanged(d, req.RequestID, u.ID))
	return e.leaveDialog(tx, u.ID, d, req.RequestID, leaving{connected: true})
}

// handOver marks d transferred away from the agent whose party is p: the
// party drops but stays on the dialog, so that the agent keeps the call on
// its desktop through wrap-up (its party WRAP_UP, a wrap-up reason still
// accepted) and the DELETE that ends it lists the agent DROPPED, as real
// Finesse does; and whoever takes the call sees callType TRANSFER, as in
// every real capture of a consult or single-step transfer.
func handOver(d *Dialog, p *Party, now time.Time) {
	p.State, p.Consult, p.ConsultReady, p.Changed = PartyDropped, "", false, now
	d.CallType = "TRANSFER"
}

// asyncInvalidDestination refuses a transfer to a number that cannot take
// the call.
var asyncInvalidDestination = model.APIError{Type: "Invalid Destination", Message: "CF_INVALID_DESTINATION", Data: "0"}

// armAnswer arms the sweep that picks up an outside number at its answer
// time.
func (e *Engine) armAnswer(d Dialog) {
	if d.AnswerDeadline.IsZero() {
		return
	}
	e.timers.after(e.clock, d.AnswerDeadline.Sub(e.clock.Now()), func() { e.Sweep(context.Background()) })
}

// endConsult takes a finished consult off its original call: the held
// party forgets it, so TRANSFER and CONFERENCE are no longer offered, and
// the agent is on hold with the customer.
func (e *Engine) endConsult(tx Tx, c Dialog, requestID string) error {
	d, found, err := tx.Dialog(c.Associated)
	if err != nil || !found || d.State == DialogDropped {
		return err
	}
	for i := range d.Parties {
		p := &d.Parties[i]
		if p.Consult != c.ID {
			continue
		}
		p.Consult, p.ConsultReady = "", false
		u, ok := e.dir.UserByID(p.Agent)
		if !ok {
			continue
		}
		a, err := tx.Agent(p.Agent)
		if err != nil {
			return err
		}
		a = e.enterOnCall(a, model.StateHold)
		tx.PutAgent(a)
		if err := e.emitUser(tx, u, a, requestID); err != nil {
			return err
		}
	}
	tx.PutDialog(d)
	tx.Emit(e.dialogChanged(d, requestID))
	return nil
}
