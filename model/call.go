package model

import (
	"fmt"
	"strconv"

	"github.com/beevik/etree"
)

// SimCall is a customer call as the simulator's /acd/ API shows it: the
// phone system's side of a call, which Finesse never shows.
type SimCall struct {
	ID        string
	Queue     string
	ANI       string
	DNIS      string
	Preroute  bool
	State     string // QUEUED, ALERTING, CONNECTED, ENDED
	DialogID  string
	Agent     string
	DTMF      string
	Variables []CallVariable
}

// SimCallURI is the simulator address of call id.
func SimCallURI(id string) string { return "/acd/Call/" + id }

// Element renders c as <Call>.
func (c SimCall) Element() *etree.Element {
	el := etree.NewElement("Call")
	addText(el, "agent", c.Agent)
	addText(el, "ani", c.ANI)
	vars := el.CreateElement("callvariables")
	for _, v := range c.Variables {
		cv := vars.CreateElement("CallVariable")
		addText(cv, "name", v.Name)
		addText(cv, "value", v.Value)
	}
	addText(el, "dialogId", c.DialogID)
	addText(el, "dnis", c.DNIS)
	addText(el, "dtmf", c.DTMF)
	addText(el, "id", c.ID)
	addBool(el, "preroute", c.Preroute)
	addText(el, "queue", c.Queue)
	addText(el, "state", c.State)
	addText(el, "uri", SimCallURI(c.ID))
	return el
}

// SimCallsElement renders a <Calls> list.
func SimCallsElement(calls []SimCall) *etree.Element {
	el := etree.NewElement("Calls")
	for _, c := range calls {
		el.AddChild(c.Element())
	}
	return el
}

// ParseSimCallRequest reads the body of POST /acd/Calls: queue, ani, dnis,
// an optional preroute flag and call variables.
func ParseSimCallRequest(body []byte) (SimCall, error) {
	root, err := ParseRoot(body, "Call")
	if err != nil {
		return SimCall{}, fmt.Errorf("parse Call request: %w", err)
	}
	c := SimCall{Queue: childText(root, "queue"), ANI: childText(root, "ani"), DNIS: childText(root, "dnis")}
	if p := childText(root, "preroute"); p != "" {
		if c.Preroute, err = strconv.ParseBool(p); err != nil {
			return SimCall{}, fmt.Errorf("parse Call request: preroute %q is not true or false", p)
		}
	}
	c.Variables = parseCallVariables(root.SelectElement("callvariables"))
	return c, nil
}

func parseCallVariables(el *etree.Element) []CallVariable {
	if el == nil {
		return nil
	}
	var vars []CallVariable
	for _, cv := range el.SelectElements("CallVariable") {
		vars = append(vars, CallVariable{Name: childText(cv, "name"), Value: childText(cv, "value")})
	}
	return vars
}

// DialogRequest is the body of PUT /finesse/api/Dialog/{id} and POST
// /finesse/api/User/{id}/Dialogs.
type DialogRequest struct {
	RequestedAction    string
	TargetMediaAddress string
	FromAddress        string
	ToAddress          string
	// AssociatedDialogURI names, for BARGE_CALL, the silent-monitor dialog
	// the supervisor barges in from.
	AssociatedDialogURI string
	ActionParams        []CallVariable // name/value pairs, as ActionParam
	MediaProperties     *MediaProperties
}

// ParseDialogRequest reads a <Dialog> request body.
func ParseDialogRequest(body []byte) (DialogRequest, error) {
	root, err := ParseRoot(body, "Dialog")
	if err != nil {
		return DialogRequest{}, fmt.Errorf("parse Dialog request: %w", err)
	}
	r := DialogRequest{
		RequestedAction: childText(root, "requestedAction"), TargetMediaAddress: childText(root, "targetMediaAddress"),
		FromAddress: childText(root, "fromAddress"), ToAddress: childText(root, "toAddress"),
		AssociatedDialogURI: childText(root, "associatedDialogUri"),
	}
	if params := root.SelectElement("actionParams"); params != nil {
		for _, p := range params.SelectElements("ActionParam") {
			r.ActionParams = append(r.ActionParams, CallVariable{Name: childText(p, "name"), Value: childText(p, "value")})
		}
	}
	if mp := root.SelectElement("mediaProperties"); mp != nil {
		r.MediaProperties = &MediaProperties{
			WrapUpReason:    childText(mp, "wrapUpReason"),
			HasWrapUpReason: mp.SelectElement("wrapUpReason") != nil,
			CallVariables:   parseCallVariables(mp.SelectElement("callvariables")),
		}
	}
	return r, nil
}
