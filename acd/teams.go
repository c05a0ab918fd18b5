package acd

import (
	"context"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Team is team id with its agents' live state, for a supervisor of the
// team or an administrator.
func (e *Engine) Team(ctx context.Context, actor *User, id string) (model.Team, error) {
	t, ok := e.dir.Team(id)
	if !ok {
		return model.Team{}, refuse(ErrNotFound, id, "no such team")
	}
	if err := directory.AuthorizeTeam(actor, t); err != nil {
		return model.Team{}, err
	}
	agents, err := e.agentsByID(ctx)
	if err != nil {
		return model.Team{}, err
	}
	view := model.Team{ID: t.ID, Name: t.Name, Users: []model.TeamUser{}}
	for _, u := range t.Agents {
		view.Users = append(view.Users, e.teamUserView(u, agentOf(agents, u.ID)))
	}
	return view, nil
}

// Teams lists every team without members; only administrators may.
func (e *Engine) Teams(actor *User) ([]model.Team, error) {
	if err := directory.AuthorizeAdmin(actor); err != nil {
		return nil, err
	}
	var out []model.Team
	for _, t := range e.dir.Teams() {
		out = append(out, model.Team{ID: t.ID, Name: t.Name})
	}
	return out, nil
}
