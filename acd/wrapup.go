package acd

import (
	"context"

	"github.com/finessed/finessed/model"
)

// wrapUpMode is the team's wrap-up mode for d's direction: incoming for
// calls routed to the agent, outgoing for calls it placed to outside
// numbers. Calls between agents, silent monitors and a call a supervisor
// barged in on have none.
func wrapUpMode(u *User, d Dialog) model.WrapUpMode {
	p, _ := d.party(u.ID)
	switch {
	case u.Team == nil || d.CallType == "AGENT_INSIDE" || d.CallType == callTypeMonitor || (p != nil && p.Supervisor):
		return model.WrapUpNotAllowed
	case d.CallType == "OUT" || d.CallType == callTypeOutbound:
		return u.Team.WrapUpOnOutgoing
	}
	return u.Team.WrapUpOnIncoming
}

// wrapUpFollows reports whether the agent goes to wrap-up after d, given
// where it would go next: always when the mode requires it, with OPTIONAL
// only when the agent asked for wrap-up during the call.
func wrapUpFollows(u *User, d Dialog, target model.AgentState) bool {
	switch wrapUpMode(u, d) {
	case model.WrapUpRequired, model.WrapUpRequiredWithData:
		return true
	case model.WrapUpOptional:
		return target.WrappingUp()
	}
	return false
}

// startWrapUp puts a (just moved to WORK or WORK_READY) in wrap-up of d:
// the timer is armed and, when the agent still has a party on d, d stays
// on its desktop with that party WRAP_UP, where a wrap-up reason can be
// applied. It reports whether d stayed; if not, the caller removes it.
func (e *Engine) startWrapUp(tx Tx, u *User, a *Agent, d Dialog, requestID string) (bool, error) {
	if a.WrapUpDialog != "" && a.WrapUpDialog != d.ID {
		if err := e.closeWrapUp(tx, u.ID, a.WrapUpDialog, requestID); err != nil {
			return false, err
		}
	}
	a.WrapUpDeadline = e.clock.Now().Add(e.dir.Settings.WrapUpTimer)
	e.timers.after(e.clock, e.dir.Settings.WrapUpTimer, func() { e.Sweep(context.Background()) })
	a.WrapUpDialog, a.WrapUpNeedsData = "", false
	cur, found, err := tx.Dialog(d.ID)
	if err != nil || !found {
		return false, err
	}
	p, on := cur.party(u.ID)
	if !on {
		return false, nil // a transfer took the agent's party off the call
	}
	p.State, p.Changed = PartyWrapUp, e.clock.Now()
	tx.PutDialog(cur)
	tx.Emit(e.dialogChanged(cur, requestID))
	a.WrapUpDialog = d.ID
	a.WrapUpNeedsData = wrapUpMode(u, d) == model.WrapUpRequiredWithData && cur.WrapUpReason == ""
	return true, nil
}

// closeWrapUp takes the wrap-up dialog off agent's desktop once its
// wrap-up is over.
func (e *Engine) closeWrapUp(tx Tx, agent, dialogID, requestID string) error {
	d, found, err := tx.Dialog(dialogID)
	if err != nil || !found {
		return err
	}
	p, on := d.party(agent)
	if !on || p.State != PartyWrapUp {
		return nil
	}
	p.State, p.Changed = PartyDropped, e.clock.Now()
	tx.PutDialog(d)
	tx.Emit(e.dialogRemoved(agent, d, requestID))
	return nil
}

// settleWrapUp closes the wrap-up dialog of an agent that has left
// WORK and WORK_READY, before the User event of its new state.
func (e *Engine) settleWrapUp(tx Tx, a Agent, requestID string) error {
	if a.WrapUpDialog == "" || a.State.WrappingUp() {
		return nil
	}
	if err := e.closeWrapUp(tx, a.ID, a.WrapUpDialog, requestID); err != nil {
		return err
	}
	a.WrapUpDialog, a.WrapUpNeedsData = "", false
	tx.PutAgent(a)
	return nil
}

// wrapUpDataApplied records that a wrap-up reason is now on dialog d: the
// agents wrapping it up may leave wrap-up.
func (e *Engine) wrapUpDataApplied(tx Tx, d Dialog) error {
	for _, p := range d.Parties {
		if p.Agent == "" || p.State != PartyWrapUp {
			continue
		}
		a, err := tx.Agent(p.Agent)
		if err != nil {
			return err
		}
		if a.WrapUpDialog == d.ID && a.WrapUpNeedsData {
			a.WrapUpNeedsData = false
			tx.PutAgent(a)
		}
		if err := e.recordWrapUpReason(tx, p.Agent, d); err != nil {
			return err
		}
	}
	return nil
}

// asyncWrapUpDataRequired refuses leaving wrap-up before a wrap-up reason
// is applied, under REQUIRED_WITH_WRAP_UP_DATA.
var asyncWrapUpDataRequired = model.APIError{Type: "Invalid State", Message: "CF_WRAP_UP_DATA_REQUIRED", Data: "0"}
