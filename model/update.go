package model

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// The Update event kinds.
const (
	EventPut    = "PUT"
	EventPost   = "POST"
	EventDelete = "DELETE"
)

// Update is the document a notification carries: what changed (Data), how
// (Event), which request caused it and which resource it concerns.
//
// An Update with Errors is an asynchronous error report; it is rendered the
// way live servers render those, which differs from success Updates.
type Update struct {
	Event     string
	RequestID string
	Source    string
	Data      *etree.Element // the changed resource, e.g. User.Element("user")
	Errors    []APIError
	// ActionRefusal marks the error refusing a Dialog action the party may
	// not take: captures of live servers show it in the order of success
	// Updates (data, event, requestId, source), unlike the User errors.
	ActionRefusal bool
}

// Element renders the Update document.
func (u Update) Element() *etree.Element {
	if len(u.Errors) > 0 {
		return u.errorElement()
	}
	el := etree.NewElement("Update")
	data := el.CreateElement("data")
	if u.Data != nil {
		// A copy, because AddChild would move u.Data out of any tree it is in,
		// including the one an earlier call of Element returned.
		data.AddChild(u.Data.Copy())
	}
	addText(el, "event", u.Event)
	addText(el, "requestId", u.RequestID)
	addText(el, "source", u.Source)
	return el
}

// Indented renders u as MarshalIndent(u.Element()) does, without copying
// Data: a fresh Data element is put in the Update's tree for the rendering
// and taken out again, so the caller's element is left as it was. Copying
// it was a third of a state change's allocations.
func (u Update) Indented() []byte {
	if len(u.Errors) > 0 || u.Data == nil || u.Data.Parent() != nil {
		return MarshalIndent(u.Element())
	}
	data := u.Data
	u.Data = nil
	el := u.Element()
	holder := el.SelectElement("data")
	holder.AddChild(data)
	out := MarshalIndent(el)
	holder.RemoveChild(data)
	return out
}

// errorElement renders an error Update: data, requestId, source, then a
// lower-case event, as captured from a Finesse 12.5 server; a Dialog
// action's refusal in the order of success Updates.
func (u Update) errorElement() *etree.Element {
	el := etree.NewElement("Update")
	data := el.CreateElement("data")
	data.AddChild(asyncErrorsElement(u.Errors))
	event := u.Event
	if event == "" {
		event = EventPut
	}
	event = strings.ToLower(event)
	if u.ActionRefusal {
		addText(el, "event", event)
	}
	addText(el, "requestId", u.RequestID)
	addText(el, "source", u.Source)
	if !u.ActionRefusal {
		addText(el, "event", event)
	}
	return el
}

// ParseUpdate reads an Update document. An error Update gets its Errors
// filled and its Event upper-cased back; any other gets Data set to a copy of
// the first element inside <data>.
func ParseUpdate(el *etree.Element) (Update, error) {
	u := Update{
		Event:     childText(el, "event"),
		RequestID: childText(el, "requestId"),
		Source:    childText(el, "source"),
	}
	first := el.FindElement("data/*")
	switch {
	case first == nil:
		return u, nil
	case strings.EqualFold(first.Tag, "apiErrors"):
		errs, err := ParseAPIErrors(first)
		if err != nil {
			return Update{}, fmt.Errorf("parse Update %s: %w", u.Source, err)
		}
		u.Errors = errs
		u.Event = strings.ToUpper(u.Event)
	default:
		u.Data = first.Copy()
	}
	return u, nil
}
