package directory

import (
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/finessed/finessed/model"
)

// WorkflowConfig is a workflow as the config file spells it: when Trigger
// fires on a call and its conditions hold (ALL or ANY, by ApplyMethod),
// the desktop runs Actions, workflow action ids, in order. A workflow with
// Teams is for those teams' desktops only.
type WorkflowConfig struct {
	ID          string            `yaml:"id"`
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Trigger     string            `yaml:"trigger"`
	ApplyMethod string            `yaml:"applyMethod"`
	Conditions  []ConditionConfig `yaml:"conditions"`
	Actions     []string          `yaml:"actions"`
	Teams       []string          `yaml:"teams"`
}

// ConditionConfig compares a call's field (a call variable, an ECC
// variable, DNIS, ANI...) with a value.
type ConditionConfig struct {
	Field      string `yaml:"field"`
	Comparator string `yaml:"comparator"`
	Value      string `yaml:"value"`
}

// WorkflowActionConfig is a workflow action: a BROWSER_POP or an
// HTTP_REQUEST, with its parameters (for a pop, the URL and window name).
type WorkflowActionConfig struct {
	ID        string            `yaml:"id"`
	Name      string            `yaml:"name"`
	Type      string            `yaml:"type"`
	HandledBy string            `yaml:"handledBy"`
	Params    map[string]string `yaml:"params"`
}

// The workflow triggers and comparators we accept: the call events and
// tests Finesse's administration console offers, in our own words where
// the developer guide gives no token.
var (
	workflowTriggers = []string{"CALL_ARRIVES", "CALL_ANSWERED", "CALL_ENDS", "MAKING_A_CALL", "OUTBOUND_PREVIEW"}
	comparators      = []string{"IS_EQUAL", "IS_NOT_EQUAL", "BEGINS_WITH", "ENDS_WITH", "CONTAINS", "IS_EMPTY", "IS_NOT_EMPTY"}
)

// The reference's bounds: five conditions and five actions a workflow,
// 100 workflow actions in all, names of 40 characters, descriptions of 128.
const (
	maxWorkflowConditions = 5
	maxWorkflowActions    = 5
	maxActions            = 100
)

func (d *Directory) addWorkflows(cfg Config) error {
	if len(cfg.WorkflowActions) > maxActions {
		return fmt.Errorf("workflow actions: at most %d", maxActions)
	}
	for _, ac := range cfg.WorkflowActions {
		a, err := d.workflowAction(ac)
		if err != nil {
			return fmt.Errorf("workflow action %q: %w", ac.ID, err)
		}
		d.actions = append(d.actions, a)
	}
	for _, wc := range cfg.Workflows {
		w, err := d.workflow(wc)
		if err != nil {
			return fmt.Errorf("workflow %q: %w", wc.ID, err)
		}
		d.workflows = append(d.workflows, teamWorkflow{w, wc.Teams})
	}
	return nil
}

func (d *Directory) workflowAction(ac WorkflowActionConfig) (model.WorkflowAction, error) {
	a := model.WorkflowAction{ID: ac.ID, Name: ac.Name, Type: ac.Type, HandledBy: ac.HandledBy}
	if ac.ID == "" || slices.ContainsFunc(d.actions, func(o model.WorkflowAction) bool { return o.ID == ac.ID }) {
		return a, fmt.Errorf("id is required and unique")
	}
	names := make([]string, 0, len(ac.Params))
	for name := range ac.Params {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		a.Params = append(a.Params, model.CallVariable{Name: name, Value: ac.Params[name]})
	}
	return CheckWorkflowAction(a)
}

// CheckWorkflowAction checks a workflow action as the reference bounds it,
// filling in handledBy's default.
func CheckWorkflowAction(a model.WorkflowAction) (model.WorkflowAction, error) {
	switch {
	case a.Name == "" || utf8.RuneCountInString(a.Name) > 40:
		return a, fmt.Errorf("name is 1 to 40 characters")
	case a.Type != "BROWSER_POP" && a.Type != "HTTP_REQUEST":
		return a, fmt.Errorf("type %q is neither BROWSER_POP nor HTTP_REQUEST", a.Type)
	}
	if a.HandledBy == "" {
		a.HandledBy = "FINESSE_DESKTOP"
	}
	if a.HandledBy != "FINESSE_DESKTOP" && a.HandledBy != "OTHER" {
		return a, fmt.Errorf("handledBy %q is neither FINESSE_DESKTOP nor OTHER", a.HandledBy)
	}
	return a, nil
}

func (d *Directory) workflow(wc WorkflowConfig) (model.Workflow, error) {
	w := model.Workflow{ID: wc.ID, Name: wc.Name, Description: wc.Description, Media: "1", Trigger: wc.Trigger, ApplyMethod: wc.ApplyMethod}
	if wc.ID == "" || slices.ContainsFunc(d.workflows, func(o teamWorkflow) bool { return o.ID == wc.ID || o.Name == wc.Name }) {
		return w, fmt.Errorf("id and name are required and unique")
	}
	if err := d.knownTeams(wc.Teams); err != nil {
		return w, err
	}
	for _, c := range wc.Conditions {
		w.Conditions = append(w.Conditions, model.WorkflowCondition{Field: c.Field, Comparator: c.Comparator, Value: c.Value})
	}
	for _, id := range wc.Actions {
		w.Actions = append(w.Actions, model.WorkflowAction{ID: id})
	}
	return CheckWorkflow(w, d.WorkflowAction)
}

// CheckWorkflow checks a workflow as the reference bounds it and fills in
// its actions' summaries from action, which finds one by id.
func CheckWorkflow(w model.Workflow, action func(id string) (model.WorkflowAction, bool)) (model.Workflow, error) {
	if w.ApplyMethod == "" {
		w.ApplyMethod = "ALL"
	}
	switch {
	case w.Name == "" || utf8.RuneCountInString(w.Name) > 40 || utf8.RuneCountInString(w.Description) > 128:
		return w, fmt.Errorf("name is 1 to 40 characters, description up to 128")
	case !slices.Contains(workflowTriggers, w.Trigger):
		return w, fmt.Errorf("trigger %q is not one of %v", w.Trigger, workflowTriggers)
	case w.ApplyMethod != "ALL" && w.ApplyMethod != "ANY":
		return w, fmt.Errorf("applyMethod %q is neither ALL nor ANY", w.ApplyMethod)
	case len(w.Conditions) > maxWorkflowConditions || len(w.Actions) == 0 || len(w.Actions) > maxWorkflowActions:
		return w, fmt.Errorf("at most %d conditions and 1 to %d actions", maxWorkflowConditions, maxWorkflowActions)
	}
	for _, c := range w.Conditions {
		if c.Field == "" || !slices.Contains(comparators, c.Comparator) {
			return w, fmt.Errorf("a condition needs a field and a comparator of %v", comparators)
		}
	}
	for i, a := range w.Actions {
		full, ok := action(a.ID)
		if !ok {
			return w, fmt.Errorf("no workflow action %q", a.ID)
		}
		w.Actions[i] = full
	}
	return w, nil
}

// WorkflowTeams lists the teams a configured workflow is limited to.
func (d *Directory) WorkflowTeams(id string) []string {
	i := slices.IndexFunc(d.workflows, func(w teamWorkflow) bool { return w.ID == id })
	if i < 0 {
		return nil
	}
	return slices.Clone(d.workflows[i].teams)
}

// teamWorkflow is a workflow and the teams it is for (none: every team).
type teamWorkflow struct {
	model.Workflow
	teams []string
}

// Workflows lists every workflow.
func (d *Directory) Workflows() []model.Workflow {
	out := make([]model.Workflow, 0, len(d.workflows))
	for _, w := range d.workflows {
		out = append(out, w.Workflow)
	}
	return out
}

// WorkflowsFor lists the workflows the desktops of team run: those for
// every team and its own ("": a user on no team, who runs only the first).
func (d *Directory) WorkflowsFor(team string) []model.Workflow {
	out := []model.Workflow{}
	for _, w := range d.workflows {
		if len(w.teams) == 0 || (team != "" && slices.Contains(w.teams, team)) {
			out = append(out, w.Workflow)
		}
	}
	return out
}

// Workflow finds a workflow by id.
func (d *Directory) Workflow(id string) (model.Workflow, bool) {
	i := slices.IndexFunc(d.workflows, func(w teamWorkflow) bool { return w.ID == id })
	if i < 0 {
		return model.Workflow{}, false
	}
	return d.workflows[i].Workflow, true
}

// WorkflowActions lists every workflow action.
func (d *Directory) WorkflowActions() []model.WorkflowAction {
	return append([]model.WorkflowAction{}, d.actions...)
}

// WorkflowAction finds a workflow action by id.
func (d *Directory) WorkflowAction(id string) (model.WorkflowAction, bool) {
	i := slices.IndexFunc(d.actions, func(a model.WorkflowAction) bool { return a.ID == id })
	if i < 0 {
		return model.WorkflowAction{}, false
	}
	return d.actions[i], true
}
