package acd

import (
	"context"
	"log/slog"
	"slices"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// WorkflowRecord is an administrator's workflow, or its version or
// deletion of a configured one; ActionRecord the same for a workflow
// action. Both are kept in the Store like reason codes.
type WorkflowRecord struct {
	Workflow model.Workflow
	Teams    []string // none: every team
	Deleted  bool
}

// ActionRecord is an administrator's workflow action record.
type ActionRecord struct {
	Action  model.WorkflowAction
	Deleted bool
}

// Clone is a copy of r sharing no slice with it.
func (r WorkflowRecord) Clone() WorkflowRecord {
	r.Workflow.Conditions = slices.Clone(r.Workflow.Conditions)
	r.Workflow.Actions = slices.Clone(r.Workflow.Actions)
	r.Teams = slices.Clone(r.Teams)
	return r
}

// Clone is a copy of r sharing no slice with it.
func (r ActionRecord) Clone() ActionRecord {
	r.Action.Params = slices.Clone(r.Action.Params)
	r.Action.Variables = slices.Clone(r.Action.Variables)
	return r
}

// maxWorkflowActions is the deployment's bound on workflow actions.
const maxWorkflowActionsInAll = 100

func (e *Engine) refreshWorkflows(ctx context.Context) {
	ws, err := e.store.WorkflowRecords(ctx)
	if err != nil {
		slog.Error("read workflows", "err", err)
		return
	}
	as, err := e.store.ActionRecords(ctx)
	if err != nil {
		slog.Error("read workflow actions", "err", err)
		return
	}
	e.workflows.set(ws)
	e.actions.set(as)
}

// liveActions is every workflow action not deleted, configured first.
func (e *Engine) liveActions() []model.WorkflowAction {
	var configured []ActionRecord
	for _, a := range e.dir.WorkflowActions() {
		configured = append(configured, ActionRecord{Action: a})
	}
	var out []model.WorkflowAction
	for _, r := range e.actions.over(configured, func(r ActionRecord) bool { return r.Deleted }) {
		out = append(out, r.Action)
	}
	return out
}

// liveWorkflows is every workflow not deleted, with the teams it is for.
func (e *Engine) liveWorkflows() []WorkflowRecord {
	var configured []WorkflowRecord
	for _, w := range e.dir.Workflows() {
		configured = append(configured, WorkflowRecord{Workflow: w, Teams: e.dir.WorkflowTeams(w.ID)})
	}
	return e.workflows.over(configured, func(r WorkflowRecord) bool { return r.Deleted })
}

// Workflows lists every workflow.
func (e *Engine) Workflows(ctx context.Context) []model.Workflow {
	return e.workflowsWhere(ctx, func(WorkflowRecord) bool { return true })
}

// WorkflowsFor lists the workflows team's desktops run: those for every
// team and its own ("": a user on no team, only the first).
func (e *Engine) WorkflowsFor(ctx context.Context, team string) []model.Workflow {
	return e.workflowsWhere(ctx, func(r WorkflowRecord) bool {
		return len(r.Teams) == 0 || (team != "" && slices.Contains(r.Teams, team))
	})
}

func (e *Engine) workflowsWhere(ctx context.Context, keep func(WorkflowRecord) bool) []model.Workflow {
	e.refreshWorkflows(ctx)
	out := []model.Workflow{}
	for _, r := range e.liveWorkflows() {
		if keep(r) {
			out = append(out, e.withActions(r.Workflow))
		}
	}
	return out
}

// withActions fills w's action summaries from the actions as they are now.
func (e *Engine) withActions(w model.Workflow) model.Workflow {
	live := e.liveActions()
	w.Actions = slices.Clone(w.Actions)
	for i, a := range w.Actions {
		if j := slices.IndexFunc(live, func(l model.WorkflowAction) bool { return l.ID == a.ID }); j >= 0 {
			w.Actions[i] = live[j]
		}
	}
	return w
}

// Workflow finds a workflow by id; WorkflowAction an action.
func (e *Engine) Workflow(ctx context.Context, id string) (model.Workflow, bool) {
	for _, w := range e.Workflows(ctx) {
		if w.ID == id {
			return w, true
		}
	}
	return model.Workflow{}, false
}

// WorkflowActions lists every workflow action.
func (e *Engine) WorkflowActions(ctx context.Context) []model.WorkflowAction {
	e.refreshWorkflows(ctx)
	return e.liveActions()
}

// WorkflowAction finds a workflow action by id.
func (e *Engine) WorkflowAction(ctx context.Context, id string) (model.WorkflowAction, bool) {
	live := e.WorkflowActions(ctx)
	i := slices.IndexFunc(live, func(a model.WorkflowAction) bool { return a.ID == id })
	if i < 0 {
		return model.WorkflowAction{}, false
	}
	return live[i], true
}

// SaveWorkflowAction creates (id "") or replaces workflow action id; it
// returns the id.
func (e *Engine) SaveWorkflowAction(ctx context.Context, actor *User, want string, a model.WorkflowAction) (string, error) {
	var saved string
	a, err := directory.CheckWorkflowAction(a)
	if err != nil {
		return "", refuse(ErrInvalidInput, "WorkflowAction", err.Error())
	}
	err = e.changeConfig(ctx, actor, "workflows", e.refreshWorkflows, func(tx Tx) error {
		id := want // a retried attempt starts again from the request's id
		live := e.liveActions()
		if id == "" {
			if len(live) >= maxWorkflowActionsInAll {
				return refuse(ErrMaximumExceeded, "WorkflowAction", "at most 100 workflow actions")
			}
			n, err := freeID(tx, "workflowaction", func(n string) bool { _, ok := e.dir.WorkflowAction(n); return ok })
			if err != nil {
				return err
			}
			id = n
		} else if !slices.ContainsFunc(live, func(l model.WorkflowAction) bool { return l.ID == id }) {
			return refuse(ErrNotFound, id, "no such workflow action")
		}
		if slices.ContainsFunc(live, func(l model.WorkflowAction) bool { return l.ID != id && l.Name == a.Name }) {
			return refuse(ErrDuplicate, "name", "a workflow action is named "+a.Name)
		}
		a.ID, saved = id, id
		tx.PutActionRecord(ActionRecord{Action: a})
		return nil
	})
	return saved, err
}

// DeleteWorkflowAction deletes an action no workflow uses.
func (e *Engine) DeleteWorkflowAction(ctx context.Context, actor *User, id string) error {
	return e.changeConfig(ctx, actor, "workflows", e.refreshWorkflows, func(tx Tx) error {
		a, ok := e.liveAction(id)
		if !ok {
			return refuse(ErrNotFound, id, "no such workflow action")
		}
		for _, w := range e.liveWorkflows() {
			if slices.ContainsFunc(w.Workflow.Actions, func(x model.WorkflowAction) bool { return x.ID == id }) {
				return refuse(ErrInvalidInput, id, "workflow "+w.Workflow.Name+" uses this action")
			}
		}
		tx.PutActionRecord(ActionRecord{Action: a, Deleted: true})
		return nil
	})
}

func (e *Engine) liveAction(id string) (model.WorkflowAction, bool) {
	live := e.liveActions()
	i := slices.IndexFunc(live, func(a model.WorkflowAction) bool { return a.ID == id })
	if i < 0 {
		return model.WorkflowAction{}, false
	}
	return live[i], true
}

// SaveWorkflow creates (id "") or replaces workflow id, keeping the teams
// it is for; it returns the id.
func (e *Engine) SaveWorkflow(ctx context.Context, actor *User, want string, w model.Workflow) (string, error) {
	var saved string
	err := e.changeConfig(ctx, actor, "workflows", e.refreshWorkflows, func(tx Tx) error {
		id := want // a retried attempt starts again from the request's id
		checked, err := directory.CheckWorkflow(w, e.liveAction)
		if err != nil {
			return refuse(ErrInvalidInput, "Workflow", err.Error())
		}
		live := e.liveWorkflows()
		rec := WorkflowRecord{}
		if id == "" {
			n, err := freeID(tx, "workflow", func(n string) bool { _, ok := e.dir.Workflow(n); return ok })
			if err != nil {
				return err
			}
			id = n
		} else if i := slices.IndexFunc(live, func(r WorkflowRecord) bool { return r.Workflow.ID == id }); i >= 0 {
			rec = live[i]
		} else {
			return refuse(ErrNotFound, id, "no such workflow")
		}
		if slices.ContainsFunc(live, func(r WorkflowRecord) bool { return r.Workflow.ID != id && r.Workflow.Name == w.Name }) {
			return refuse(ErrDuplicate, "name", "a workflow is named "+w.Name)
		}
		checked.ID, checked.Media, saved = id, "1", id
		rec.Workflow = checked
		tx.PutWorkflowRecord(rec)
		return nil
	})
	return saved, err
}

// DeleteWorkflow deletes workflow id.
func (e *Engine) DeleteWorkflow(ctx context.Context, actor *User, id string) error {
	return e.changeConfig(ctx, actor, "workflows", e.refreshWorkflows, func(tx Tx) error {
		i := slices.IndexFunc(e.liveWorkflows(), func(r WorkflowRecord) bool { return r.Workflow.ID == id })
		if i < 0 {
			return refuse(ErrNotFound, id, "no such workflow")
		}
		r := e.liveWorkflows()[i]
		r.Deleted = true
		tx.PutWorkflowRecord(r)
		return nil
	})
}

// AssignWorkflows makes ids the team-limited workflows team's desktops
// run; workflows for every team stay so.
func (e *Engine) AssignWorkflows(ctx context.Context, actor *User, team string, ids []string) error {
	if err := e.mayAssign(actor, team); err != nil {
		return err
	}
	return e.changeConfig(ctx, actor, "workflows", e.refreshWorkflows, func(tx Tx) error {
		live := e.liveWorkflows()
		for _, id := range ids {
			if !slices.ContainsFunc(live, func(r WorkflowRecord) bool { return r.Workflow.ID == id }) {
				return refuse(ErrInvalidInput, id, "no workflow "+id)
			}
		}
		for _, r := range live {
			want := slices.Contains(ids, r.Workflow.ID)
			if len(r.Teams) == 0 && !want {
				continue // for every team: not this team's to take away
			}
			if teams, changed := assigned(r.Teams, team, want); changed {
				r.Teams = teams
				tx.PutWorkflowRecord(r)
			}
		}
		return nil
	})
}

// freeID is the next id of sequence that taken does not claim (the
// configured records' ids).
func freeID(tx Tx, sequence string, taken func(string) bool) (string, error) {
	for {
		n, err := tx.NextID(sequence)
		if err != nil || !taken(n) {
			return n, err
		}
	}
}
