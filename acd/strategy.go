package acd

import (
	"slices"

	"github.com/finessed/finessed/acd/directory"
)

// candidate is a READY agent that can be offered a call.
type candidate struct {
	user  *User
	agent Agent
}

// sharedReadyLimit is how many agents an offer reads from a shared
// Store's READY index when the first routable one is enough: a few more
// than one, since another node may have taken some meanwhile.
const sharedReadyLimit = 8

// available lists q's agents that can take a call now (routable), longest
// available first when a READY index (the engine's, or the shared Store's)
// knows them; first reports whether the first of them is enough.
func (e *Engine) available(tx Tx, q *Queue, first bool) ([]candidate, error) {
	var ids []string
	var err error
	if e.ready == nil {
		limit := 0
		if first {
			limit = sharedReadyLimit
		}
		var kept bool
		if ids, kept, err = tx.ReadyAgents(q.ID, limit); err != nil || !kept {
			if err != nil {
				return nil, err
			}
			return e.scanAvailable(tx, q)
		}
	} else if ids, err = e.ready.candidates(tx, q); err != nil {
		return nil, err
	}
	var out []candidate
	for _, id := range ids {
		a, err := tx.Agent(id)
		if err != nil {
			return nil, err
		}
		u, ok := e.dir.UserByID(id)
		if !ok {
			continue
		}
		if ok, err := e.takesCalls(tx, u, a); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, candidate{u, a})
		if first {
			break
		}
	}
	if len(out) == 0 && e.ready == nil && first && len(ids) >= sharedReadyLimit {
		// The index's first few are all held by tasks (they stay READY
		// in voice): the agent who can take the call is further down.
		return e.scanAvailable(tx, q)
	}
	return out, nil
}

// scanAvailable reads every agent of q: the way to find its routable
// agents when other nodes write the Store too.
func (e *Engine) scanAvailable(tx Tx, q *Queue) ([]candidate, error) {
	agents, err := tx.AgentsOf(q.AgentIDs())
	if err != nil {
		return nil, err
	}
	var out []candidate
	for i, a := range agents {
		ok, err := e.takesCalls(tx, q.Agents[i], a)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, candidate{q.Agents[i], a})
		}
	}
	return out, nil
}

// pickAgents chooses, by the queue's strategy, the agents to offer its
// next call to: one, or every READY agent for ring-all, or none.
func (e *Engine) pickAgents(tx Tx, q *Queue) ([]candidate, error) {
	cands, err := e.available(tx, q, q.Strategy == "" || q.Strategy == directory.LongestAvailable)
	if err != nil || len(cands) == 0 {
		return nil, err
	}
	var best candidate
	switch q.Strategy {
	case directory.RingAll:
		slices.SortStableFunc(cands, func(a, b candidate) int { return a.agent.ReadySince.Compare(b.agent.ReadySince) })
		return cands, nil
	case directory.RoundRobin:
		best, err = e.nextInTurn(tx, q, cands)
	case directory.FewestCalls:
		best, err = e.fewestCalls(tx, cands)
	default:
		best = longestAvailable(cands)
	}
	return []candidate{best}, err
}

func longestAvailable(cands []candidate) candidate {
	best := cands[0]
	for _, c := range cands[1:] {
		if c.agent.ReadySince.Before(best.agent.ReadySince) {
			best = c
		}
	}
	return best
}

// nextInTurn is the first candidate after the agent the queue offered its
// last call to, in the queue's order, and remembers the choice.
func (e *Engine) nextInTurn(tx Tx, q *Queue, cands []candidate) (candidate, error) {
	last, err := tx.RoutingMark(q.ID)
	if err != nil {
		return candidate{}, err
	}
	start := 0
	for i, u := range q.Agents {
		if u.ID == last {
			start = i + 1
		}
	}
	ready := map[string]candidate{}
	for _, c := range cands {
		ready[c.user.ID] = c
	}
	for i := range q.Agents {
		if c, ok := ready[q.Agents[(start+i)%len(q.Agents)].ID]; ok {
			tx.PutRoutingMark(q.ID, c.user.ID)
			return c, nil
		}
	}
	return cands[0], nil
}

// fewestCalls is the candidate with the fewest handled calls in its
// history since sign-in.
func (e *Engine) fewestCalls(tx Tx, cands []candidate) (candidate, error) {
	best, bestCalls := candidate{}, -1
	for _, c := range cands {
		h, err := tx.History(c.user.ID)
		if err != nil {
			return candidate{}, err
		}
		n := 0
		for _, call := range h.Calls {
			if call.Disposition == "Handled" {
				n++
			}
		}
		if bestCalls < 0 || n < bestCalls || (n == bestCalls && c.agent.ReadySince.Before(best.agent.ReadySince)) {
			best, bestCalls = c, n
		}
	}
	return best, nil
}
