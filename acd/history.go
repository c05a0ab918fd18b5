package acd

import (
	"context"
	"slices"
	"time"

	"github.com/finessed/finessed/acd/directory"

	"github.com/finessed/finessed/model"
)

// History is an agent's My History since it signed in: the states it went
// through and the calls it handled, newest last.
type History struct {
	States []StateRecord
	Calls  []CallRecord
}

// StateRecord is one state the agent was in.
type StateRecord struct {
	State        model.AgentState
	ReasonCodeID string
	Start        time.Time
}

// CallRecord is one call that ended for the agent.
type CallRecord struct {
	Dialog       string
	Type         string // the dialog's callType
	Number       string // the other party
	Disposition  string // Handled, Not answered, Abandoned
	WrapUpReason string
	Queue        string
	Start, End   time.Time
}

// historyLimit bounds each list of a history, so that an agent signed in
// for days does not grow the Store without bound.
const historyLimit = 200

func (h History) clone() History {
	h.States = slices.Clone(h.States)
	h.Calls = slices.Clone(h.Calls)
	return h
}

// emitUser commits the User event for a's state and, when the state or
// reason changed, records it in the agent's history. Every state change
// goes through here, so the history misses none.
// An agent that has just left wrap-up loses its wrap-up dialog first.
func (e *Engine) emitUser(tx Tx, u *User, a Agent, requestID string) error {
	if err := e.settleWrapUp(tx, a, requestID); err != nil {
		return err
	}
	tx.Emit(e.userEvent(u, a, requestID))
	h, err := tx.History(u.ID)
	if err != nil {
		return err
	}
	if a.State == model.StateLogin || (len(h.States) > 0 && h.States[len(h.States)-1].State == a.State &&
		h.States[len(h.States)-1].ReasonCodeID == a.ReasonCodeID) {
		return nil
	}
	if len(h.States) > 0 && h.States[len(h.States)-1].State == model.StateLogout {
		h = History{} // signing in starts a new history
	}
	h.States = appendBounded(h.States, StateRecord{State: a.State, ReasonCodeID: a.ReasonCodeID, Start: a.StateChangeTime})
	tx.PutHistory(u.ID, h)
	return nil
}

// recordCall adds a call that ended for agent to its history.
func (e *Engine) recordCall(tx Tx, agent string, d Dialog, disposition string) error {
	h, err := tx.History(agent)
	if err != nil {
		return err
	}
	number := d.From
	if p, ok := d.party(agent); ok && number == p.Address {
		number = d.To
	}
	h.Calls = appendBounded(h.Calls, CallRecord{
		Dialog: d.ID, Type: d.CallType, Number: number, Disposition: disposition, WrapUpReason: d.WrapUpReason,
		Queue: d.Queue, Start: d.Created, End: e.clock.Now(),
	})
	tx.PutHistory(agent, h)
	return nil
}

// recordWrapUpReason puts the wrap-up reason applied to d after it ended
// for agent into the agent's record of that call.
func (e *Engine) recordWrapUpReason(tx Tx, agent string, d Dialog) error {
	h, err := tx.History(agent)
	if err != nil {
		return err
	}
	for i := len(h.Calls) - 1; i >= 0; i-- {
		if h.Calls[i].Dialog == d.ID {
			h.Calls[i].WrapUpReason = d.WrapUpReason
			tx.PutHistory(agent, h)
			return nil
		}
	}
	return nil
}

func appendBounded[T any](list []T, v T) []T {
	list = append(list, v)
	if len(list) > historyLimit {
		list = list[len(list)-historyLimit:]
	}
	return list
}

// UserHistory is user idOrName's history, with each state's duration
// running to the next state (or to now, for the current one).
func (e *Engine) UserHistory(ctx context.Context, actor *User, idOrName string) (model.History, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return model.History{}, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	if err := directory.AuthorizeView(actor, u); err != nil {
		return model.History{}, err
	}
	var h History
	err := e.update(ctx, func(tx Tx) error {
		var err error
		h, err = tx.History(u.ID)
		return err
	})
	if err != nil {
		return model.History{}, err
	}
	return e.historyView(h), nil
}

func (e *Engine) historyView(h History) model.History {
	now := e.clock.Now()
	var out model.History
	for i, s := range h.States {
		end := now
		if i+1 < len(h.States) {
			end = h.States[i+1].Start
		}
		label := ""
		if rc := e.reasonCode(s.State, s.ReasonCodeID); rc != nil {
			label = rc.Label
		}
		out.States = append(out.States, model.StateHistory{
			State: s.State, ReasonCodeID: s.ReasonCodeID, ReasonLabel: label, Start: s.Start, Duration: end.Sub(s.Start),
		})
	}
	for _, c := range h.Calls {
		out.Calls = append(out.Calls, model.CallHistory{
			Type: c.Type, Number: c.Number, Disposition: c.Disposition, WrapUpReason: c.WrapUpReason,
			Queue: c.Queue, Start: c.Start, Duration: c.End.Sub(c.Start),
		})
	}
	return out
}
