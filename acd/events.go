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
