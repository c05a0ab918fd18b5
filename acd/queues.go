package acd

import (
	"context"

	"github.com/finessed/finessed/model"
)

// Queue is queue id with statistics computed from its agents' live state.
// Any signed-in user may read any queue.
func (e *Engine) Queue(ctx context.Context, id string) (model.Queue, error) {
	q, ok := e.dir.Queue(id)
	if !ok {
		return model.Queue{}, refuse(ErrNotFound, id, "no such queue")
	}
	agents, err := e.agentsByID(ctx)
	if err != nil {
		return model.Queue{}, err
	}
	return queueView(q, agents), nil
}

// UserQueues lists the queues of user idOrName; for a supervisor also the
// queues of every agent on the teams it supervises.
func (e *Engine) UserQueues(ctx context.Context, idOrName string) ([]model.Queue, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return nil, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	agents, err := e.agentsByID(ctx)
	if err != nil {
		return nil, err
	}
	out := []model.Queue{}
	for _, q := range e.dir.Queues() {
		if servesQueue(u, q) {
			out = append(out, queueView(q, agents))
		}
	}
	return out, nil
}

func servesQueue(u *User, q *Queue) bool {
	for _, a := range q.Agents {
		if a == u || u.SupervisesAgent(a) {
			return true
		}
	}
	return false
}

// queueView counts q's agents by state. Until calls carry a direction,
// agents reserved or on a call count as busy on other work.
func queueView(q *Queue, agents map[string]Agent) model.Queue {
	var s model.QueueStatistics
	for _, u := range q.Agents {
		state := agentOf(agents, u.ID).State
		if !state.SignedIn() {
			continue
		}
		s.AgentsLoggedOn++
		switch state {
		case model.StateReady:
			s.AgentsReady++
		case model.StateNotReady:
			s.AgentsNotReady++
		case model.StateWork:
			s.AgentsWrapUpNotReady++
		case model.StateWorkReady:
			s.AgentsWrapUpReady++
		default:
			s.AgentsBusyOther++
		}
	}
	return model.Queue{ID: q.ID, Name: q.Name, Statistics: s}
}
