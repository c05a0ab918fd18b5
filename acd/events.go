package acd

import "github.com/finessed/finessed/model"

// userEvent is the User Update for a's new state, published on the user's
// node and on its team's Users node.
func (e *Engine) userEvent(u *User, a Agent, requestID string) Event {
	uri := "/finesse/api/User/" + u.ID
	update := model.Update{
		Event: model.EventPut, RequestID: requestID, Source: uri,
		Data: e.userView(u, a).Element("user"),
	}
	nodes := []string{uri}
	if u.Team != nil {
		nodes = append(nodes, model.TeamUsersNode(u.Team.ID))
	}
	return Event{Nodes: nodes, Payload: update.Indented()}
}

// userErrorEvent reports a refused request on the user's own node only.
func (e *Engine) userErrorEvent(u *User, requestID string, refusal model.APIError) Event {
	uri := "/finesse/api/User/" + u.ID
	update := model.Update{
		Event: model.EventPut, RequestID: requestID, Source: uri,
		Errors: []model.APIError{refusal},
	}
	return Event{Nodes: []string{uri}, Payload: update.Indented()}
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
