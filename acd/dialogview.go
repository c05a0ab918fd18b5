package acd

import (
	"slices"
	"strconv"
	"strings"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// dialogView renders acd's dialog as the Dialog resource Finesse reports,
// with the actions each agent party may take in its state.
func (e *Engine) dialogView(d Dialog) model.Dialog {
	md := model.Dialog{
		ID: d.ID, MediaType: "Voice", FromAddress: d.From, ToAddress: d.To, State: d.State, SecondaryID: d.Secondary,
		MediaProperties: model.MediaProperties{
			MediaID: "1", DialedNumber: d.DialedNumber, CallType: d.CallType, DNIS: d.DNIS,
			QueueNumber: d.Queue, QueueName: d.QueueName, WrapUpReason: d.WrapUpReason, CallVariables: allCallVariables(d.Variables),
		},
	}
	if d.Associated != "" {
		md.AssociatedDialogURI = model.DialogURI(d.Associated)
	}
	outboundView(d, &md)
	for _, p := range d.Parties {
		md.Participants = append(md.Participants, model.Participant{
			Actions: e.partyActions(d, p), MediaAddress: p.Address, MediaAddressType: p.AddressType,
			StartTime: p.Start, State: p.State, StateCause: p.Cause, StateChangeTime: p.Changed,
		})
	}
	if d.Media != "" {
		e.taskView(d, &md)
	}
	return md
}

// allCallVariables is a call's variables as real Finesse lists them:
// callVariable1 to callVariable10 always, in order and empty when unset,
// then its ECC variables.
func allCallVariables(vars []model.CallVariable) []model.CallVariable {
	out := make([]model.CallVariable, 0, 10+len(vars))
	for i := 1; i <= 10; i++ {
		name := "callVariable" + strconv.Itoa(i)
		v := model.CallVariable{Name: name}
		if j := slices.IndexFunc(vars, func(c model.CallVariable) bool { return c.Name == name }); j >= 0 {
			v.Value = vars[j].Value
		}
		out = append(out, v)
	}
	for _, v := range vars {
		if !strings.HasPrefix(v.Name, "callVariable") {
			out = append(out, v)
		}
	}
	return out
}

// callActions are the actions a party may take in its state, in the
// order real UCCE captures list them (clients that take the first action,
// or show the list as it comes, see the order). Only actions the engine
// carries out are offered, so a desktop never shows a button that cannot
// work. The caller's party carries the call's actions too, as captured:
// while it rings at the agent it is INITIATED with UPDATE_CALL_DATA and
// DROP, and once answered ACTIVE with all of them.
func callActions(p Party) []string {
	if p.Agent == "" {
		switch p.State {
		case PartyInitiated:
			return []string{"UPDATE_CALL_DATA", "DROP"}
		case PartyActive:
			return activeActions()
		}
		return nil
	}
	switch p.State {
	case PartyAlerting:
		return []string{"ANSWER"}
	case PartyInitiating, PartyInitiated:
		return []string{"UPDATE_CALL_DATA", "DROP"}
	case PartyFailed:
		return []string{"DROP"}
	case PartyActive:
		return activeActions()
	case PartyWrapUp:
		return []string{"UPDATE_CALL_DATA"}
	case PartyHeld:
		if p.Consult != "" && p.ConsultReady {
			return []string{"TRANSFER", "CONFERENCE", "UPDATE_CALL_DATA", "DROP", "RETRIEVE"}
		}
		return []string{"UPDATE_CALL_DATA", "DROP", "RETRIEVE"}
	}
	return nil
}

// partyActions are the actions p may take on d: a silent monitor's own,
// or those of its state on a call, with PARTICIPANT_DROP for whom
// enableDropParticipantFor lets drop others from a conference.
func (e *Engine) partyActions(d Dialog, p Party) []string {
	if d.Media != "" {
		if d.State == TaskInterrupted {
			return nil
		}
		return taskActions[p.State]
	}
	if d.CallType == callTypeMonitor {
		if p.Agent != "" && p.State == PartyActive {
			return []string{"BARGE_CALL", "DROP"}
		}
		return nil
	}
	if d.Outbound.Reservation {
		return outboundActions(d, p)
	}
	acts := append(callActions(p), outboundActions(d, p)...)
	if e.mayDropOthers(d, p) {
		acts = append(acts, "PARTICIPANT_DROP")
	}
	return acts
}

// mayDropOthers reports whether p may drop another party of d: an agent
// party on a conference (three live parties or more), by the policy: a
// supervisor who barged in; also the conference's controller, the agent
// who has been on the call longest; or everyone.
func (e *Engine) mayDropOthers(d Dialog, p Party) bool {
	if p.Agent == "" || p.State != PartyActive || liveParties(d) < 3 {
		return false
	}
	switch e.dir.Settings.EnableDropParticipantFor {
	case directory.DropByAll:
		return true
	case directory.DropByControllerAndSupervisor:
		if p.Agent == controller(d) {
			return true
		}
	}
	return p.Supervisor
}

// controller is the agent who has been on d longest among those on it:
// the one who answered the call and set the conference up.
func controller(d Dialog) string {
	for _, p := range d.Parties {
		if p.Agent != "" && !p.Supervisor && p.State != PartyDropped && p.State != PartyWrapUp {
			return p.Agent
		}
	}
	return ""
}

func activeActions() []string {
	return []string{"TRANSFER_SST", "CONSULT_CALL", "HOLD", "UPDATE_CALL_DATA", "SEND_DTMF", "DROP"}
}

// agentsOn lists the agents with a party still on the call d.
func agentsOn(d Dialog) []string {
	var out []string
	for _, p := range d.Parties {
		if p.Agent != "" && p.State != PartyDropped && p.State != PartyWrapUp {
			out = append(out, p.Agent)
		}
	}
	return out
}

// watchers lists the agents whose desktops show d: those on the call and
// those wrapping it up, who see every change to it as Finesse 9.1 does.
func watchers(d Dialog) []string {
	var out []string
	for _, p := range d.Parties {
		if p.Agent != "" && p.State != PartyDropped {
			out = append(out, p.Agent)
		}
	}
	return out
}

func dialogsNode(agent string) string { return "/finesse/api/User/" + agent + "/Dialogs" }

// dialogAdded tells agent's desktop that d is now one of its dialogs (a
// POST on its Dialogs collection).
func (e *Engine) dialogAdded(agent string, d Dialog, requestID string) Event {
	return e.dialogsCollectionEvent(model.EventPost, agent, d, requestID)
}

// dialogRemoved tells agent's desktop that d is no longer its dialog.
func (e *Engine) dialogRemoved(agent string, d Dialog, requestID string) Event {
	return e.dialogsCollectionEvent(model.EventDelete, agent, d, requestID)
}

func (e *Engine) dialogsCollectionEvent(kind, agent string, d Dialog, requestID string) Event {
	node := dialogsNode(agent)
	update := model.Update{
		Event: kind, RequestID: requestID, Source: node,
		Data: model.DialogsElement("dialogs", []model.Dialog{e.dialogView(d)}),
	}
	return Event{Nodes: []string{node}, Payload: update.Indented()}
}

// dialogChanged tells every agent watching d (and those in also, who just
// left it) that it changed: a PUT with the whole dialog.
func (e *Engine) dialogChanged(d Dialog, requestID string, also ...string) Event {
	update := model.Update{
		Event: model.EventPut, RequestID: requestID, Source: model.DialogURI(d.ID),
		Data: e.dialogView(d).Element("dialog"),
	}
	agents := watchers(d)
	for _, a := range also {
		if !slices.Contains(agents, a) {
			agents = append(agents, a)
		}
	}
	nodes := make([]string, len(agents))
	for i, a := range agents {
		nodes[i] = dialogsNode(a)
	}
	return Event{Nodes: nodes, Payload: update.Indented(), dialogPut: d.ID, requestID: requestID}
}

// dialogError reports a refused dialog action on the agent's Dialogs node.
func (e *Engine) dialogError(agent, dialogID, requestID string, refusal model.APIError) Event {
	update := model.Update{
		Event: model.EventPut, RequestID: requestID, Source: model.DialogURI(dialogID),
		Errors: []model.APIError{refusal},
	}
	return Event{Nodes: []string{dialogsNode(agent)}, Payload: update.Indented()}
}
