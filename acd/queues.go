package acd

import (
	"context"

	"github.com/finessed/finessed/model"
)

// Queue is queue id with statistics computed from the calls waiting in it
// and its agents' live state. Any signed-in user may read any queue; it is
// always live (the notifications are the ones throttled).
func (e *Engine) Queue(ctx context.Context, id string) (model.Queue, error) {
	q, ok := e.dir.Queue(id)
	if !ok {
		return model.Queue{}, refuse(ErrNotFound, id, "no such queue")
	}
	views, err := e.queueViews(ctx, []*Queue{q})
	if err != nil {
		return model.Queue{}, err
	}
	return views[0], nil
}

// UserQueues lists the queues of user idOrName; for a supervisor also the
// queues of every agent on the teams it supervises.
func (e *Engine) UserQueues(ctx context.Context, idOrName string) ([]model.Queue, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return nil, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	var mine []*Queue
	for _, q := range e.dir.Queues() {
		if servesQueue(u, q) {
			mine = append(mine, q)
		}
	}
	out, err := e.queueViews(ctx, mine)
	if out == nil {
		out = []model.Queue{}
	}
	return out, err
}

func servesQueue(u *User, q *Queue) bool {
	for _, a := range q.Agents {
		if a == u || u.SupervisesAgent(a) {
			return true
		}
	}
	return false
}

// queueViews computes the statistics of queues from one consistent read of
// the store.
func (e *Engine) queueViews(ctx context.Context, queues []*Queue) ([]model.Queue, error) {
	var out []model.Queue
	err := e.update(ctx, func(tx Tx) error {
		out = out[:0]
		for _, q := range queues {
			v, err := e.queueView(tx, q)
			if err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// queueView counts q's waiting calls and its agents by state. An agent on
// a call counts as talking inbound when the call came through q, as busy
// on other work when it came through another queue or while the agent is
// only reserved.
func (e *Engine) queueView(tx Tx, q *Queue) (model.Queue, error) {
	var s model.QueueStatistics
	waiting, err := tx.Waiting(q.ID)
	if err != nil {
		return model.Queue{}, err
	}
	for _, id := range waiting {
		c, found, err := tx.Call(id)
		if err != nil {
			return model.Queue{}, err
		}
		if found && c.State == CallQueued {
			s.CallsInQueue++
			if s.StartTimeOfLongestCallInQueue.IsZero() || c.Enqueued.Before(s.StartTimeOfLongestCallInQueue) {
				s.StartTimeOfLongestCallInQueue = c.Enqueued
			}
		}
	}
	agents, err := tx.AgentsOf(q.AgentIDs())
	if err != nil {
		return model.Queue{}, err
	}
	for _, a := range agents {
		if err := e.countAgent(tx, q, a, &s); err != nil {
			return model.Queue{}, err
		}
	}
	return model.Queue{ID: q.ID, Name: q.Name, Statistics: s}, nil
}

func (e *Engine) countAgent(tx Tx, q *Queue, a Agent, s *model.QueueStatistics) error {
	if !a.State.SignedIn() {
		return nil
	}
	s.AgentsLoggedOn++
	switch a.State {
	case model.StateReady:
		s.AgentsReady++
	case model.StateNotReady:
		s.AgentsNotReady++
	case model.StateWork:
		s.AgentsWrapUpNotReady++
	case model.StateWorkReady:
		s.AgentsWrapUpReady++
	case model.StateTalking, model.StateHold:
		d, err := e.firstDialog(tx, a)
		if err != nil {
			return err
		}
		switch {
		case d.Queue != q.ID:
			s.AgentsBusyOther++
		case d.CallType == "ACD_IN" || d.CallType == "PREROUTE_ACD_IN" || d.CallType == callTypeOutbound:
			// Outbound Option customers reach the agent through the
			// dialer, as a routed call: never Active Out (the desktop
			// guide's queue statistics notes).
			s.AgentsTalkingInbound++
		case d.CallType == "OUT":
			s.AgentsTalkingOutbound++
		default:
			s.AgentsTalkingInternal++
		}
	default:
		s.AgentsBusyOther++
	}
	return nil
}

func (e *Engine) firstDialog(tx Tx, a Agent) (Dialog, error) {
	if len(a.Dialogs) == 0 {
		return Dialog{}, nil
	}
	d, _, err := tx.Dialog(a.Dialogs[0])
	return d, err
}

// WaitingCalls is how many calls wait in each configured queue, read from
// the queues' waiting lists in one transaction that writes nothing: what a
// metrics scrape wants, without listing every call the store keeps.
func (e *Engine) WaitingCalls(ctx context.Context) (map[string]int, error) {
	out := make(map[string]int, len(e.dir.Queues()))
	err := e.store.Update(ctx, func(tx Tx) error {
		for _, q := range e.dir.Queues() {
			waiting, err := tx.Waiting(q.ID)
			if err != nil {
				return err
			}
			out[q.ID] = len(waiting)
		}
		return nil
	})
	return out, err
}
