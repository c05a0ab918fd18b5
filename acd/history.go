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

// Clone is a copy of h sharing no slice or map with it, as the memory
// store hands each reader its own.
func (h History) Clone() History {
	h.States = slices.Clone(h.States)
	h.Calls = slices.Clone(h.Calls)
	return h
}

// recordCall adds a call that ended for agent to its history. A preview
// reservation is no call: the customer's call, if the agent accepts, is.
func (e *Engine) recordCall(tx Tx, agent string, d Dialog, disposition string) error {
	if d.CallType == callTypeOutboundPreview {
		return nil
	}
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
			h.Calls = slices.Clone(h.Calls) // the store's may be shared (Tx.History)
			h.Calls[i].WrapUpReason = d.WrapUpReason
			tx.PutHistory(agent, h)
			return nil
		}
	}
	return nil
}

// appendBounded is list with v appended, its oldest entries dropped past
// historyLimit. A list with room to spare is the caller's own and grows in
// place; one without (as a shared list from Tx.History is) is copied once,
// to the size it needs: a history is copied on every state change, and
// append's doubling would make that copy twice what it holds.
func appendBounded[T any](list []T, v T) []T {
	if cap(list) > len(list) {
		list = append(list, v)
		return list[max(len(list)-historyLimit, 0):]
	}
	keep := list[max(len(list)+1-historyLimit, 0):]
	out := make([]T, len(keep)+1)
	copy(out, keep)
	out[len(keep)] = v
	return out
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
