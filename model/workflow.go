package model

import (
	"strings"

	"github.com/beevik/etree"
)

// Workflow is an administrator's rule that desktops run on call events:
// when its trigger fires and its conditions hold, its actions run, in
// order. Finesse only stores workflows; the desktop evaluates them.
type Workflow struct {
	ID          string
	Name        string
	Description string
	Media       string // the media id, "1" for voice
	Trigger     string // the call event that evaluates the conditions
	ApplyMethod string // ALL or ANY of the conditions
	Conditions  []WorkflowCondition
	Actions     []WorkflowAction // summaries: id, name, type
}

// WorkflowCondition compares a call's field with a value.
type WorkflowCondition struct {
	Field, Comparator, Value string
}

// WorkflowAction is what a workflow does: a browser pop or an HTTP
// request, handled by the desktop or by some other client.
type WorkflowAction struct {
	ID        string
	Name      string
	Type      string // BROWSER_POP or HTTP_REQUEST
	HandledBy string // FINESSE_DESKTOP or OTHER
	Params    []CallVariable
	Variables []ActionVariable
}

// ActionVariable is a value a workflow action's parameters use.
type ActionVariable struct {
	Name, Type, Node, TestValue string
}

// WorkflowURI is the address of workflow id, WorkflowActionURI of an action.
func WorkflowURI(id string) string       { return "/finesse/api/Workflow/" + id }
func WorkflowActionURI(id string) string { return "/finesse/api/WorkflowAction/" + id }

// Element renders w as <Workflow>.
func (w Workflow) Element() *etree.Element {
	el := etree.NewElement("Workflow")
	addText(el, "uri", WorkflowURI(w.ID))
	addText(el, "name", w.Name)
	addText(el, "description", w.Description)
	addText(el, "media", w.Media)
	triggers := el.CreateElement("TriggerSet")
	addText(triggers, "type", "EVENT")
	addText(triggers, "triggers", w.Trigger)
	conds := el.CreateElement("ConditionSet")
	addText(conds, "applyMethod", w.ApplyMethod)
	list := conds.CreateElement("conditions")
	for _, c := range w.Conditions {
		ce := list.CreateElement("Condition")
		addText(ce, "fieldName", c.Field)
		addText(ce, "comparator", c.Comparator)
		addText(ce, "value", c.Value)
	}
	actions := el.CreateElement("workflowActions")
	for _, a := range w.Actions {
		ae := actions.CreateElement("WorkflowAction")
		addText(ae, "name", a.Name)
		addText(ae, "type", a.Type)
		addText(ae, "uri", WorkflowActionURI(a.ID))
	}
	return el
}

// Element renders a as <WorkflowAction>.
func (a WorkflowAction) Element() *etree.Element {
	el := etree.NewElement("WorkflowAction")
	addText(el, "uri", WorkflowActionURI(a.ID))
	addText(el, "name", a.Name)
	addText(el, "type", a.Type)
	addText(el, "handledBy", a.HandledBy)
	params := el.CreateElement("params")
	for _, p := range a.Params {
		pe := params.CreateElement("Param")
		addText(pe, "name", p.Name)
		addText(pe, "value", p.Value)
	}
	vars := el.CreateElement("actionVariables")
	for _, v := range a.Variables {
		ve := vars.CreateElement("ActionVariable")
		addText(ve, "name", v.Name)
		addText(ve, "type", v.Type)
		addText(ve, "node", v.Node)
		addText(ve, "testValue", v.TestValue)
	}
	return el
}

// WorkflowsElement renders a <Workflows> list, WorkflowActionsElement a
// <WorkflowActions> one.
func WorkflowsElement(ws []Workflow) *etree.Element {
	el := etree.NewElement("Workflows")
	for _, w := range ws {
		el.AddChild(w.Element())
	}
	return el
}

func WorkflowActionsElement(as []WorkflowAction) *etree.Element {
	el := etree.NewElement("WorkflowActions")
	for _, a := range as {
		el.AddChild(a.Element())
	}
	return el
}

// ParseWorkflow reads a <Workflow> request body's element: its actions
// named by uri.
func ParseWorkflow(el *etree.Element) Workflow {
	w := Workflow{Name: childText(el, "name"), Description: childText(el, "description"), Media: childText(el, "media")}
	if ts := el.SelectElement("TriggerSet"); ts != nil {
		w.Trigger = childText(ts, "triggers")
	}
	if cs := el.SelectElement("ConditionSet"); cs != nil {
		w.ApplyMethod = childText(cs, "applyMethod")
		for _, c := range cs.FindElements("conditions/Condition") {
			w.Conditions = append(w.Conditions, WorkflowCondition{
				Field: childText(c, "fieldName"), Comparator: childText(c, "comparator"), Value: childText(c, "value"),
			})
		}
	}
	for _, a := range el.FindElements("workflowActions/WorkflowAction") {
		uri := childText(a, "uri")
		w.Actions = append(w.Actions, WorkflowAction{ID: uri[strings.LastIndex(uri, "/")+1:]})
	}
	return w
}

// ParseWorkflowAction reads a <WorkflowAction> request body's element.
func ParseWorkflowAction(el *etree.Element) WorkflowAction {
	a := WorkflowAction{Name: childText(el, "name"), Type: childText(el, "type"), HandledBy: childText(el, "handledBy")}
	for _, p := range el.FindElements("params/Param") {
		a.Params = append(a.Params, CallVariable{Name: childText(p, "name"), Value: childText(p, "value")})
	}
	for _, v := range el.FindElements("actionVariables/ActionVariable") {
		a.Variables = append(a.Variables, ActionVariable{
			Name: childText(v, "name"), Type: childText(v, "type"), Node: childText(v, "node"), TestValue: childText(v, "testValue"),
		})
	}
	return a
}
