package acd

import (
	"context"
	"slices"
	"time"

	"github.com/finessed/finessed/model"
)

func zeroTime() time.Time { return time.Time{} }

// HangUpCall ends customer call id from the customer's side: a call still
// queued is abandoned, one ringing or connected ends for its agent too.
func (e *Engine) HangUpCall(ctx context.Context, id string) (Call, error) {
	var call Call
	var ended []string // the agents taken off the call
	err := e.update(ctx, func(tx Tx) error {
		ended = nil
		c, found, err := tx.Call(id)
		if err != nil {
			return err
		}
		if !found {
			return refuse(ErrNotFound, id, "no such call")
		}
		call = c
		switch {
		case c.State == CallEnded:
			return nil
		case isLine(c):
			ended, err = e.lineDropped(tx, c)
			return err
		}
		switch c.State {
		case CallQueued:
			waiting, err := tx.Waiting(c.Queue)
			if err != nil {
				return err
			}
			tx.PutWaiting(c.Queue, slices.DeleteFunc(waiting, func(w string) bool { return w == id }))
			call.State, call.Ended = CallEnded, e.clock.Now()
			tx.PutCall(call)
			return nil
		}
		d, _, err := tx.Dialog(c.DialogID)
		if err != nil {
			return err
		}
		if d.Media != "" { // a task the customer left
			ended = []string{d.Parties[0].Agent} // free again for a call, if the task held it
			return e.closeTask(tx, d, "")
		}
		ended = agentsOn(d)
		return e.hangUp(tx, d, "", "")
	})
	if err != nil {
		return Call{}, err
	}
	e.routeIfReady(ctx, ended...)
	if md := e.dir.MediaDomain(call.Media); md != nil {
		e.routeMedia(ctx, md)
	}
	call, _, err = e.store.Call(ctx, id)
	return call, err
}

// hangUp ends a two-party dialog: by the agent who dropped (by != "") or
// by the customer (by == ""). Every party drops, the customer call ends,
// and each agent on it goes on to wrap-up or its next state.
func (e *Engine) hangUp(tx Tx, d Dialog, by, requestID string) error {
	now := e.clock.Now()
	if by != "" && liveParties(d) > 2 {
		return e.leaveConference(tx, d, by, requestID)
	}
	agents := agentsOn(d)
	connected := d.State == DialogActive
	ringing := map[string]bool{}
	for _, p := range d.Parties {
		ringing[p.Agent] = p.State == PartyAlerting
	}
	dropParties(&d, now)
	d.State, d.Ended = DialogDropped, now
	tx.PutDialog(d)
	if err := e.outboundEnded(tx, d); err != nil {
		return err
	}
	if len(agents) > 0 {
		tx.Emit(e.dialogChanged(d, requestID, agents...))
	}
	if d.CallID != "" {
		call, found, err := tx.Call(d.CallID)
		if err != nil {
			return err
		}
		if found {
			call.State, call.Ended, call.RingDeadline = CallEnded, now, zeroTime()
			tx.PutCall(call)
		}
	}
	for _, id := range agents {
		rid := ""
		if id == by {
			rid = requestID
		}
		if err := e.leaveDialog(tx, id, d, rid, leaving{ringing: ringing[id], connected: connected}); err != nil {
			return err
		}
	}
	if d.Associated != "" {
		return e.endConsult(tx, d, requestID)
	}
	return nil
}

// dropParties drops every party of d still on the call; those wrapping
// it up stay so until their wrap-up ends.
func dropParties(d *Dialog, now time.Time) {
	for i := range d.Parties {
		if p := &d.Parties[i]; p.State != PartyWrapUp {
			p.State, p.Changed, p.Cause = PartyDropped, now, ""
		}
	}
}

// liveParties counts the parties of d still on the call.
func liveParties(d Dialog) int {
	n := 0
	for _, p := range d.Parties {
		if p.State != PartyDropped && p.State != PartyWrapUp {
			n++
		}
	}
	return n
}

// leaveConference drops one agent from a call of three or more: the
// others stay on it.
func (e *Engine) leaveConference(tx Tx, d Dialog, agent, requestID string) error {
	p, _ := d.party(agent)
	p.State, p.Changed = PartyDropped, e.clock.Now()
	tx.PutDialog(d)
	tx.Emit(e.dialogChanged(d, requestID, agent))
	if d.CallID != "" {
		if call, found, err := tx.Call(d.CallID); err == nil && found && call.Agent == agent {
			if rest := agentsOn(d); len(rest) > 0 {
				call.Agent = rest[0]
				tx.PutCall(call)
			}
		}
	}
	return e.leaveDialog(tx, agent, d, requestID, leaving{connected: true})
}

// leaving says how an agent left a dialog: whether its own phone was only
// ringing, and whether the call had ever connected.
type leaving struct{ ringing, connected bool }

// leaveDialog takes d off agent's desktop and moves the agent on: back to
// READY after a routed call it never took, else to wrap-up (keeping d on
// the desktop while it lasts) or its next state. An agent whose phone was
// only ringing with a call between agents keeps its state.
func (e *Engine) leaveDialog(tx Tx, agent string, d Dialog, requestID string, how leaving) error {
	u, ok := e.dir.UserByID(agent)
	if !ok {
		return nil
	}
	if err := e.endMonitorOf(tx, agent, d); err != nil {
		return err
	}
	a, err := tx.Agent(agent)
	if err != nil {
		return err
	}
	a.Dialogs = slices.DeleteFunc(a.Dialogs, func(id string) bool { return id == d.ID })
	disposition := "Handled"
	if how.ringing {
		disposition = "Not answered"
	}
	if err := e.recordCall(tx, agent, d, disposition); err != nil {
		return err
	}
	reserved := a.State == model.StateReserved || a.State == model.StateReservedOutboundPreview
	if len(a.Dialogs) > 0 || (how.ringing && !reserved) {
		tx.Emit(e.dialogRemoved(agent, d, requestID))
		tx.PutAgent(a)
		return nil
	}
	a = e.afterCall(tx, u, a, d, !how.connected || reserved)
	kept := false
	if a.State.WrappingUp() {
		if kept, err = e.startWrapUp(tx, u, &a, d, requestID); err != nil {
			return err
		}
	}
	if !kept {
		tx.Emit(e.dialogRemoved(agent, d, requestID))
	}
	tx.PutAgent(a)
	if err := e.emitUser(tx, u, a, requestID); err != nil {
		return err
	}
	if a.State == model.StateLogout {
		return dropSubscriptions(tx, agent)
	}
	return nil
}

// afterCall is where an agent goes when its last call ends. A call it never
// answered returns it to READY (or its pending state). Otherwise wrap-up
// follows when the team's incoming mode requires it, or when the agent
// asked for it during the call with OPTIONAL: WORK_READY when the agent
// will be READY afterwards, WORK when NOT_READY (UCCX has no WORK_READY).
// Without wrap-up the agent goes to its pending state, else back to where
// it was before a call it placed itself, else READY.
func (e *Engine) afterCall(tx Tx, u *User, a Agent, d Dialog, neverAnswered bool) Agent {
	target, reason := model.StateReady, ""
	if a.ReturnState != "" {
		target, reason = a.ReturnState, a.ReturnReasonCodeID
	}
	a.ReturnState, a.ReturnReasonCodeID = "", ""
	if a.PendingState != "" {
		target, reason = a.PendingState, a.PendingReasonCodeID
	}
	if !neverAnswered && wrapUpFollows(u, d, target) && target != model.StateLogout {
		state := model.StateWorkReady
		if target == model.StateNotReady || target == model.StateWork || e.dir.UCCX() {
			state = model.StateWork
		}
		pendingReason := reason
		a = e.enter(a, state, "")
		if target == model.StateNotReady {
			a.PendingState, a.PendingReasonCodeID = model.StateNotReady, pendingReason
		}
		return a
	}
	switch target {
	case model.StateNotReady:
		return e.enter(a, model.StateNotReady, reasonOrNone(reason))
	case model.StateLogout:
		return e.signOut(tx, a, reasonOrNone(reason))
	}
	return e.enter(a, model.StateReady, "")
}
