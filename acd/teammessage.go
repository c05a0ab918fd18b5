package acd

import (
	"context"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/finessed/finessed/model"
)

// TeamMessage is a supervisor's broadcast to the agents of its teams,
// shown on their desktops until it expires on the ACD's clock or is
// deleted.
type TeamMessage struct {
	ID        string
	CreatedBy string // the supervisor's (or administrator's) id
	CreatedAt time.Time
	Duration  time.Duration
	Content   string
	Teams     []string
}

// Clone is a copy of m sharing no slice with it.
func (m TeamMessage) Clone() TeamMessage {
	m.Teams = slices.Clone(m.Teams)
	return m
}

// Expires is when m stops being shown.
func (m TeamMessage) Expires() time.Time { return m.CreatedAt.Add(m.Duration) }

// The bounds Finesse puts on a team message.
const (
	maxTeamMessageChars = 255
	maxTeamMessageLife  = 24 * time.Hour
)

// TeamMessageRequest is a POST of a TeamMessage.
type TeamMessageRequest struct {
	Duration  time.Duration
	Content   string
	Teams     []string
	RequestID string
}

// PostTeamMessage broadcasts a supervisor's message to teams it
// supervises (an administrator's to any team): each team's members and
// supervisors are told on the team's TeamMessage node. It returns the
// message's id.
func (e *Engine) PostTeamMessage(ctx context.Context, actor *User, req TeamMessageRequest) (string, error) {
	if err := e.checkTeamMessage(actor, req); err != nil {
		return "", err
	}
	var id string
	err := e.update(ctx, func(tx Tx) error {
		n, err := tx.NextID("teammsg")
		if err != nil {
			return err
		}
		id = n
		m := TeamMessage{
			ID: id, CreatedBy: actor.ID, CreatedAt: e.clock.Now(), Duration: req.Duration,
			Content: req.Content, Teams: slices.Clone(req.Teams),
		}
		tx.PutTeamMessage(m)
		tx.Emit(e.teamMessageEvent(m, model.EventPost, req.RequestID))
		return nil
	})
	if err == nil {
		e.timers.after(e.clock, req.Duration, func() { e.Sweep(context.Background()) })
	}
	return id, err
}

func (e *Engine) checkTeamMessage(actor *User, req TeamMessageRequest) error {
	switch n := utf8.RuneCountInString(req.Content); {
	case !actor.HasRole(model.RoleSupervisor) && !actor.IsAdmin():
		return refuse(ErrNotAuthorized, actor.ID, "only supervisors and administrators send team messages")
	case n == 0:
		return refuse(ErrParameterMissing, "content", "content is required")
	case n > maxTeamMessageChars:
		return refuse(ErrInvalidInput, "content", "content is longer than 255 characters")
	case req.Duration <= 0 || req.Duration > maxTeamMessageLife:
		return refuse(ErrInvalidInput, "duration", "duration must be 1 to 86400 seconds")
	case len(req.Teams) == 0:
		return refuse(ErrParameterMissing, "teams", "at least one team is required")
	}
	for _, id := range req.Teams {
		if _, ok := e.dir.Team(id); !ok {
			return refuse(ErrNotFound, id, "no such team")
		}
		if !actor.IsAdmin() && !actor.SupervisesTeam(id) {
			return refuse(ErrInvalidSupervisor, id, "you do not supervise this team")
		}
	}
	return nil
}

// DeleteTeamMessage takes a message back before it expires: its sender,
// a supervisor of all its teams, or an administrator may.
func (e *Engine) DeleteTeamMessage(ctx context.Context, actor *User, id, requestID string) error {
	return e.update(ctx, func(tx Tx) error {
		m, found, err := tx.TeamMessage(id)
		if err != nil {
			return err
		}
		if !found || !e.mayRead(actor, m) {
			return refuse(ErrNotFound, id, "no such team message")
		}
		if !e.mayDelete(actor, m) {
			return refuse(ErrNotAuthorized, actor.ID, "only its sender or a supervisor of its teams deletes a team message")
		}
		tx.DeleteTeamMessage(id)
		tx.Emit(e.teamMessageEvent(m, model.EventDelete, requestID))
		return nil
	})
}

// TeamMessages are the messages actor may read that have not expired:
// those to its team, or to teams it supervises; all for an administrator.
func (e *Engine) TeamMessages(ctx context.Context, actor *User) ([]model.TeamMessage, error) {
	all, err := e.store.TeamMessages(ctx)
	if err != nil {
		return nil, err
	}
	now := e.clock.Now()
	var out []model.TeamMessage
	for _, m := range all {
		if e.mayRead(actor, m) && now.Before(m.Expires()) {
			out = append(out, e.teamMessageView(m))
		}
	}
	slices.SortFunc(out, func(a, b model.TeamMessage) int { return a.CreatedAt.Compare(b.CreatedAt) })
	return out, nil
}

func (e *Engine) mayRead(actor *User, m TeamMessage) bool {
	if actor.IsAdmin() || m.CreatedBy == actor.ID {
		return true
	}
	return slices.ContainsFunc(m.Teams, func(t string) bool {
		return actor.SupervisesTeam(t) || (actor.Team != nil && actor.Team.ID == t)
	})
}

func (e *Engine) mayDelete(actor *User, m TeamMessage) bool {
	if actor.IsAdmin() || m.CreatedBy == actor.ID {
		return true
	}
	return !slices.ContainsFunc(m.Teams, func(t string) bool { return !actor.SupervisesTeam(t) })
}

// sweepTeamMessages deletes the messages whose time is up, telling their
// teams as a deletion does.
func (e *Engine) sweepTeamMessages(ctx context.Context) {
	all, err := e.store.TeamMessages(ctx)
	if err != nil {
		return
	}
	now := e.clock.Now()
	for _, m := range all {
		if now.Before(m.Expires()) {
			continue
		}
		e.update(ctx, func(tx Tx) error {
			cur, found, err := tx.TeamMessage(m.ID)
			if err != nil || !found {
				return err
			}
			tx.DeleteTeamMessage(cur.ID)
			tx.Emit(e.teamMessageEvent(cur, model.EventDelete, ""))
			return nil
		})
	}
}

// teamMessageEvent publishes m on each of its teams' TeamMessage nodes.
func (e *Engine) teamMessageEvent(m TeamMessage, kind, requestID string) Event {
	nodes := make([]string, len(m.Teams))
	for i, t := range m.Teams {
		nodes[i] = model.TeamMessageNode(t)
	}
	view := e.teamMessageView(m)
	update := model.Update{Event: kind, RequestID: requestID, Source: view.URI(), Data: view.Element()}
	return Event{Nodes: nodes, Payload: update.Indented()}
}

func (e *Engine) teamMessageView(m TeamMessage) model.TeamMessage {
	v := model.TeamMessage{
		ID: m.ID, CreatedByID: m.CreatedBy, CreatedAt: m.CreatedAt, Duration: m.Duration,
		Content: m.Content, Teams: m.Teams,
	}
	if u, ok := e.dir.UserByID(m.CreatedBy); ok {
		v.CreatedByFirstName, v.CreatedByLastName = u.FirstName, u.LastName
	}
	return v
}
