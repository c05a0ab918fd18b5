package model

import (
	"fmt"

	"github.com/beevik/etree"
)

// ParseDialog reads a Dialog from its element (<Dialog> in REST bodies,
// <dialog> inside an Update), with its participants and their actions.
func ParseDialog(el *etree.Element) (Dialog, error) {
	d := Dialog{
		ID:                  childText(el, "id"),
		AssociatedDialogURI: childText(el, "associatedDialogUri"),
		SecondaryID:         childText(el, "secondaryId"),
		MediaType:           childText(el, "mediaType"),
		FromAddress:         childText(el, "fromAddress"),
		ToAddress:           childText(el, "toAddress"),
		State:               childText(el, "state"),
		CallbackNumber:      childText(el, "callbackNumber"),
	}
	if cb := el.SelectElement("scheduledCallbackInfo"); cb != nil {
		d.ScheduledCallback = &ScheduledCallback{CallbackTime: childText(cb, "callbackTime"), CallbackNumber: childText(cb, "callbackNumber")}
	}
	if mp := el.SelectElement("mediaProperties"); mp != nil {
		d.MediaProperties = parseMediaProperties(mp)
	}
	for _, pe := range el.FindElements("participants/Participant") {
		p, err := parseParticipant(pe)
		if err != nil {
			return Dialog{}, fmt.Errorf("parse Dialog %s: %w", d.ID, err)
		}
		d.Participants = append(d.Participants, p)
	}
	return d, nil
}

// parseMediaProperties reads <mediaProperties> with its call variables.
func parseMediaProperties(el *etree.Element) MediaProperties {
	m := MediaProperties{
		MediaID:                childText(el, "mediaId"),
		DialedNumber:           childText(el, "dialedNumber"),
		CallType:               childText(el, "callType"),
		DNIS:                   childText(el, "DNIS"),
		QueueNumber:            childText(el, "queueNumber"),
		QueueName:              childText(el, "queueName"),
		CallKeyCallID:          childText(el, "callKeyCallId"),
		CallKeySequenceNum:     childText(el, "callKeySequenceNum"),
		CallKeyPrefix:          childText(el, "callKeyPrefix"),
		WrapUpReason:           childText(el, "wrapUpReason"),
		OutboundClassification: childText(el, "outboundClassification"),
	}
	for _, cv := range el.FindElements("callvariables/CallVariable") {
		m.CallVariables = append(m.CallVariables, CallVariable{
			Name:  childText(cv, "name"),
			Value: childText(cv, "value"),
		})
	}
	return m
}

// parseParticipant reads one <Participant>.
func parseParticipant(el *etree.Element) (Participant, error) {
	r := fieldReader{el: el}
	p := Participant{
		MediaAddress:     r.text("mediaAddress"),
		MediaAddressType: r.text("mediaAddressType"),
		StartTime:        r.timestamp("startTime", TimeLayout),
		State:            r.text("state"),
		StateCause:       r.text("stateCause"),
		StateChangeTime:  r.timestamp("stateChangeTime", TimeLayout),
	}
	if r.err != nil {
		return Participant{}, fmt.Errorf("participant %s: %w", p.MediaAddress, r.err)
	}
	for _, a := range el.FindElements("actions/action") {
		p.Actions = append(p.Actions, a.Text())
	}
	return p, nil
}
