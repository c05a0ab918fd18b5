package acd

import (
	"fmt"
	"slices"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// interruptMedia sets aside or takes up again the nonvoice work of the
// users tx wrote (their voice or their nonvoice state), as their voice
// state now says. A voice call offered to or worked by a user interrupts
// each interruptible MRD it signed in to with interruptAction ACCEPT: its
// ACTIVE, PAUSED and WRAPPING_UP tasks and the MRD go INTERRUPTED, each
// task remembering its state on its participant. When the call is over
// they are back where they were. With IGNORE, or in an MRD that is not
// interruptible, the tasks go on.
//
// It runs at the end of every transaction, so that no path that changes
// a voice state, or starts a task during a call, can forget it; users
// without MRDs cost a map lookup.
func (e *Engine) interruptMedia(tx *agentWrites) error {
	for _, id := range slices.Concat(tx.ids, tx.media) {
		u, ok := e.dir.UserByID(id)
		if !ok || len(u.MediaDomains) == 0 {
			continue
		}
		a, err := tx.Agent(id)
		if err != nil {
			return err
		}
		for _, md := range u.MediaDomains {
			if err := e.interruptDomain(tx, md, id, onVoiceCall(a.State)); err != nil {
				return fmt.Errorf("interrupt %s's tasks in MRD %s: %w", id, md.ID, err)
			}
		}
	}
	return nil
}

// interruptDomain interrupts (onCall) or resumes user's tasks in md.
func (e *Engine) interruptDomain(tx Tx, md *directory.MediaDomain, user string, onCall bool) error {
	if !md.Interruptible {
		return nil
	}
	m, err := mediaAgent(tx, user, md.ID)
	if err != nil || !m.SignedIn() || m.InterruptAction != "ACCEPT" {
		return err
	}
	moved := false
	for _, id := range m.Dialogs {
		d, found, err := tx.Dialog(id)
		if err != nil {
			return err
		}
		if !found {
			continue
		}
		switch {
		case onCall && slices.Contains(interruptible, d.State):
			d.State = TaskInterrupted
		case !onCall && d.State == TaskInterrupted:
			d.State = d.Parties[0].State
		default:
			continue
		}
		d.Parties[0].Changed = e.clock.Now()
		tx.PutDialog(d)
		tx.Emit(e.taskEvent(model.EventPut, m.Agent, d, ""))
		moved = true
	}
	if !moved {
		return nil
	}
	return e.settleMedia(tx, md, m, "")
}

// interruptible are the task states a voice call interrupts.
var interruptible = []string{TaskActive, TaskPaused, TaskWrappingUp}

// onVoiceCall reports whether an agent in state has a voice call offered
// or under way.
func onVoiceCall(state model.AgentState) bool {
	return slices.Contains([]model.AgentState{
		model.StateReserved, model.StateTalking, model.StateHold,
		model.StateReservedOutbound, model.StateReservedOutboundPreview,
	}, state)
}

// takesCalls reports whether agent a of user u can be offered a call now:
// routable, and not held by a task no voice call may interrupt.
func (e *Engine) takesCalls(tx Tx, u *User, a Agent) (bool, error) {
	if !routable(a) {
		return false, nil
	}
	held, err := e.heldByMedia(tx, u)
	return !held, err
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
