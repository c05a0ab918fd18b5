package acd

import (
	"fmt"
	"slices"

	"github.com/finessed/finessed/model"
)

// interruptMedia sets aside or takes up again the nonvoice work of the
// agents tx wrote, as their voice state now says. A voice call offered to
// or worked by a user interrupts each interruptible MRD it signed in to
// with interruptAction ACCEPT: its ACTIVE tasks and the MRD go
// INTERRUPTED. When the call is over they are ACTIVE again. With IGNORE,
// or in an MRD that is not interruptible, the tasks go on.
//
// It runs at the end of every transaction, so that no path that changes
// an agent's voice state can forget it; agents without MRDs cost a map
// lookup.
func (e *Engine) interruptMedia(tx *agentWrites) error {
	for _, id := range tx.ids {
		u, ok := e.dir.UserByID(id)
		if !ok || len(u.MediaDomains) == 0 {
			continue
		}
		a, err := tx.Agent(id)
		if err != nil {
			return err
		}
		from, to := TaskInterrupted, TaskActive
		if onVoiceCall(a.State) {
			from, to = TaskActive, TaskInterrupted
		}
		for _, md := range u.MediaDomains {
			if !md.Interruptible {
				continue
			}
			m, err := mediaAgent(tx, id, md.ID)
			if err != nil {
				return err
			}
			if !m.SignedIn() || m.InterruptAction != "ACCEPT" {
				continue
			}
			moved, err := e.moveTasks(tx, m, from, to)
			if err != nil {
				return fmt.Errorf("interrupt %s's tasks in MRD %s: %w", id, md.ID, err)
			}
			if moved {
				if err := e.settleMedia(tx, md, m, ""); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// onVoiceCall reports whether an agent in state has a voice call offered
// or under way.
func onVoiceCall(state model.AgentState) bool {
	return slices.Contains([]model.AgentState{
		model.StateReserved, model.StateTalking, model.StateHold,
		model.StateReservedOutbound, model.StateReservedOutboundPreview,
	}, state)
}

// moveTasks moves m's tasks in state from to state to, telling its
// desktops, and reports whether any moved.
func (e *Engine) moveTasks(tx Tx, m MediaAgent, from, to string) (bool, error) {
	moved := false
	for _, id := range m.Dialogs {
		d, found, err := tx.Dialog(id)
		if err != nil {
			return false, err
		}
		if !found || d.State != from {
			continue
		}
		d.State = to
		d.Parties[0].State, d.Parties[0].Changed = to, e.clock.Now()
		tx.PutDialog(d)
		tx.Emit(e.taskEvent(model.EventPut, m.Agent, d, ""))
		moved = true
	}
	return moved, nil
}

// heldByMedia reports whether u works a task in an MRD that no voice call
// may interrupt, which keeps calls away from it until the task is done.
func (e *Engine) heldByMedia(tx Tx, u *User) (bool, error) {
	for _, md := range u.MediaDomains {
		if md.Interruptible {
			continue
		}
		m, err := mediaAgent(tx, u.ID, md.ID)
		if err != nil || len(m.Dialogs) > 0 {
			return err == nil, err
		}
	}
	return false, nil
}
