package model

import (
	"time"

	"github.com/beevik/etree"
)

// DialogURI is the resource address of dialog id.
func DialogURI(id string) string { return "/finesse/api/Dialog/" + id }

// Dialog is a voice call as Finesse reports it, with every participant.
type Dialog struct {
	ID                  string
	AssociatedDialogURI string
	SecondaryID         string
	MediaType           string
	FromAddress         string
	ToAddress           string
	State               string
	MediaProperties     MediaProperties
	Participants        []Participant
	// CallbackNumber is an Outbound Option call's customer number, and
	// ScheduledCallback the callback scheduled on it; both are written
	// only on such calls.
	CallbackNumber    string
	ScheduledCallback *ScheduledCallback
}

// ScheduledCallback is a callback scheduled on an Outbound Option call:
// when, in the customer's time zone (YYYY-MM-DDTHH:MM), and where to.
type ScheduledCallback struct {
	CallbackTime   string
	CallbackNumber string
}

// MediaProperties are the call's data: type, dialed numbers, queue, wrap-up
// reason and call variables.
type MediaProperties struct {
	MediaID            string
	DialedNumber       string
	CallType           string
	DNIS               string
	QueueNumber        string
	QueueName          string
	CallKeyCallID      string
	CallKeySequenceNum string
	CallKeyPrefix      string
	WrapUpReason       string
	// OutboundClassification is an Outbound Option call's classification
	// (voice, answering machine...); real Finesse writes the element on
	// every dialog, empty when there is none.
	OutboundClassification string
	CallVariables          []CallVariable
	// HasWrapUpReason is set by ParseDialogRequest when the request names a
	// wrap-up reason, so that an empty one can clear it.
	HasWrapUpReason bool
}

// CallVariable is one named call variable (callVariable1..10 or ECC user.*).
type CallVariable struct {
	Name  string
	Value string
}

// Participant is one party of a dialog with the actions it may take now.
type Participant struct {
	Actions          []string
	MediaAddress     string
	MediaAddressType string
	StartTime        time.Time
	State            string
	StateCause       string
	StateChangeTime  time.Time
}

// Element renders d as <root>: Dialog in REST bodies, dialog in Updates.
func (d Dialog) Element(root string) *etree.Element {
	el := etree.NewElement(root)
	addText(el, "associatedDialogUri", d.AssociatedDialogURI)
	if d.CallbackNumber != "" {
		addText(el, "callbackNumber", d.CallbackNumber)
	}
	addText(el, "fromAddress", d.FromAddress)
	addText(el, "id", d.ID)
	el.AddChild(d.MediaProperties.Element())
	addText(el, "mediaType", d.MediaType)
	parts := el.CreateElement("participants")
	for _, p := range d.Participants {
		parts.AddChild(p.Element())
	}
	if cb := d.ScheduledCallback; cb != nil {
		info := el.CreateElement("scheduledCallbackInfo")
		addText(info, "callbackTime", cb.CallbackTime)
		addText(info, "callbackNumber", cb.CallbackNumber)
	}
	addText(el, "secondaryId", d.SecondaryID)
	addText(el, "state", d.State)
	addText(el, "toAddress", d.ToAddress)
	addText(el, "uri", DialogURI(d.ID))
	return el
}

// Element renders m as <mediaProperties>.
func (m MediaProperties) Element() *etree.Element {
	el := etree.NewElement("mediaProperties")
	addText(el, "callKeyCallId", m.CallKeyCallID)
	addText(el, "callKeyPrefix", m.CallKeyPrefix)
	addText(el, "callKeySequenceNum", m.CallKeySequenceNum)
	addText(el, "callType", m.CallType)
	vars := el.CreateElement("callvariables")
	for _, v := range m.CallVariables {
		cv := vars.CreateElement("CallVariable")
		addText(cv, "name", v.Name)
		addText(cv, "value", v.Value)
	}
	addText(el, "dialedNumber", m.DialedNumber)
	addText(el, "DNIS", m.DNIS)
	addText(el, "mediaId", m.MediaID)
	addText(el, "outboundClassification", m.OutboundClassification)
	addText(el, "queueName", m.QueueName)
	addText(el, "queueNumber", m.QueueNumber)
	addText(el, "wrapUpReason", m.WrapUpReason)
	return el
}

// Element renders p as <Participant>.
func (p Participant) Element() *etree.Element {
	el := etree.NewElement("Participant")
	actions := el.CreateElement("actions")
	for _, a := range p.Actions {
		addText(actions, "action", a)
	}
	addText(el, "mediaAddress", p.MediaAddress)
	addText(el, "mediaAddressType", p.MediaAddressType)
	addText(el, "startTime", FormatTime(p.StartTime))
	addText(el, "state", p.State)
	addText(el, "stateCause", p.StateCause)
	addText(el, "stateChangeTime", FormatTime(p.StateChangeTime))
	return el
}

// DialogsElement renders a list of dialogs as <root> (Dialogs in REST
// bodies, dialogs in Updates).
func DialogsElement(root string, dialogs []Dialog) *etree.Element {
	el := etree.NewElement(root)
	for _, d := range dialogs {
		el.AddChild(d.Element("Dialog"))
	}
	return el
}
