package model

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// Media is a user's state in a nonvoice Media Routing Domain, as the
// developer guide's Media object shows it.
type Media struct {
	User               string
	MRD                string
	Name, Description  string
	State              string // LOGOUT, NOT_READY, READY, RESERVED, ACTIVE, PAUSED, WORK_READY
	PendingState       string
	StateChangeTime    time.Time
	ReasonCodeID       string
	ReasonCode         *ReasonCode
	Routable           bool
	Interruptible      bool
	MaxDialogLimit     int
	InterruptAction    string // ACCEPT or IGNORE
	DialogLogoutAction string // CLOSE or TRANSFER
}

// MediaURI is the address of user's Media in mrd; MediaNode the node its
// Media notifications go to, MediaDialogsNode that of its nonvoice dialogs.
func MediaURI(user, mrd string) string    { return "/finesse/api/User/" + user + "/Media/" + mrd }
func MediaNode(user string) string        { return "/finesse/api/User/" + user + "/Media" }
func MediaDialogsNode(user string) string { return "/finesse/api/User/" + user + "/Dialogs/Media" }

// Element renders m as <Media>.
func (m Media) Element() *etree.Element {
	el := etree.NewElement("Media")
	addText(el, "uri", MediaURI(m.User, m.MRD))
	addText(el, "description", m.Description)
	addText(el, "dialogLogoutAction", m.DialogLogoutAction)
	addText(el, "id", m.MRD)
	addText(el, "interruptAction", m.InterruptAction)
	addBool(el, "interruptible", m.Interruptible)
	if m.MaxDialogLimit > 0 {
		addInt(el, "maxDialogLimit", m.MaxDialogLimit)
	} else {
		addText(el, "maxDialogLimit", "")
	}
	addText(el, "name", m.Name)
	addText(el, "pendingState", m.PendingState)
	if m.ReasonCode != nil {
		el.AddChild(m.ReasonCode.Element("ReasonCode"))
	}
	addText(el, "reasonCodeId", m.ReasonCodeID)
	addBool(el, "routable", m.Routable)
	addText(el, "state", m.State)
	addText(el, "stateChangeTime", FormatTime(m.StateChangeTime))
	return el
}

// MediaListElement renders a user's <MediaList>.
func MediaListElement(list []Media) *etree.Element {
	el := etree.NewElement("MediaList")
	for _, m := range list {
		el.AddChild(m.Element())
	}
	return el
}

// MediaRequest is a PUT on a user's Media: a sign-in (state LOGIN with
// its options), a state change, or routable alone.
type MediaRequest struct {
	State              string
	ReasonCodeID       string
	Routable           *bool
	MaxDialogLimit     int
	InterruptAction    string
	DialogLogoutAction string
}

// ParseMediaRequest reads a <Media> request body.
func ParseMediaRequest(body []byte) (MediaRequest, error) {
	root, err := ParseRoot(body, "Media")
	if err != nil {
		return MediaRequest{}, fmt.Errorf("parse Media request: %w", err)
	}
	r := MediaRequest{
		State: childText(root, "state"), ReasonCodeID: childText(root, "reasonCodeId"),
		InterruptAction: childText(root, "interruptAction"), DialogLogoutAction: childText(root, "dialogLogoutAction"),
	}
	if v := childText(root, "routable"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return r, fmt.Errorf("parse Media request: routable %q is not true or false", v)
		}
		r.Routable = &b
	}
	if v := childText(root, "maxDialogLimit"); v != "" {
		if r.MaxDialogLimit, err = strconv.Atoi(v); err != nil {
			return r, fmt.Errorf("parse Media request: maxDialogLimit %q is not a whole number", v)
		}
	}
	return r, nil
}

// ParseSimTaskRequest reads a simulator <Task> POST body: the MRD queue it
// goes to, who it is from, its call variables.
func ParseSimTaskRequest(body []byte) (SimCall, error) {
	root, err := ParseRoot(body, "Task")
	if err != nil {
		return SimCall{}, fmt.Errorf("parse Task request: %w", err)
	}
	return SimCall{Queue: childText(root, "queue"), ANI: childText(root, "from"), Variables: parseCallVariables(root.SelectElement("callvariables"))}, nil
}
