package acd

import (
	"context"
	"slices"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// DialogRequest is a PUT on a Dialog: an action on the acting agent's
// party.
type DialogRequest struct {
	DialogID           string
	Action             string
	TargetMediaAddress string
	RequestID          string
	// MediaProperties is set for UPDATE_CALL_DATA: call variables to set
	// and, when WrapUpReason is not nil, the wrap-up reason.
	MediaProperties *CallData
	// DTMF is the dtmfString action parameter of SEND_DTMF.
	DTMF string
	// ToAddress is where CONSULT_CALL and TRANSFER_SST call.
	ToAddress string
	// Classification is RECLASSIFY's outboundClassification;
	// CallbackTime and CallbackNumber UPDATE_SCHEDULED_CALLBACK's.
	Classification               string
	CallbackTime, CallbackNumber string
}

// CallData is what UPDATE_CALL_DATA changes on a call.
type CallData struct {
	Variables    []model.CallVariable
	WrapUpReason *string
}

// The dialog actions the engine carries out; the others of Finesse's
// vocabulary are refused as not implemented rather than ignored.
var dialogActions = map[string]bool{
	"ANSWER": true, "HOLD": true, "RETRIEVE": true, "DROP": true, "UPDATE_CALL_DATA": true, "SEND_DTMF": true,
	"CONSULT_CALL": true, "TRANSFER": true, "CONFERENCE": true, "TRANSFER_SST": true, "PARTICIPANT_DROP": true,
	"ACCEPT": true, "REJECT": true, "CLOSE": true, "RECLASSIFY": true,
	"UPDATE_SCHEDULED_CALLBACK": true, "CANCEL_SCHEDULED_CALLBACK": true,
	"START": true, "PAUSE": true, "RESUME": true, "WRAP_UP": true,
}

var knownDialogActions = map[string]bool{
	"ANSWER": true, "HOLD": true, "RETRIEVE": true, "DROP": true, "MAKE_CALL": true, "CONSULT_CALL": true,
	"TRANSFER": true, "TRANSFER_SST": true, "CONFERENCE": true, "SEND_DTMF": true, "UPDATE_CALL_DATA": true,
	"SILENT_MONITOR": true, "BARGE_CALL": true, "PARTICIPANT_DROP": true, "START_RECORDING": true,
	"ACCEPT": true, "CLOSE": true, "REJECT": true, "UPDATE_SCHEDULED_CALLBACK": true,
	"CANCEL_SCHEDULED_CALLBACK": true, "RECLASSIFY": true, "START": true, "PAUSE": true, "RESUME": true, "WRAP_UP": true,
}

// actionRefused is Finesse's answer to an action the party may not take
// in its state, as real UCCE captures show it: a Generic Error naming the
// action and the extension, with the extension as errorData.
func (e *Engine) actionRefused(agent, dialogID string, req DialogRequest, ext string) Event {
	if req.TargetMediaAddress != "" {
		ext = req.TargetMediaAddress
	}
	update := model.Update{
		Event: model.EventPut, RequestID: req.RequestID, Source: model.DialogURI(dialogID), ActionRefusal: true,
		Errors: []model.APIError{{Type: "Generic Error", Message: "INVALID_ACTION " + req.Action + " on extension " + ext, Data: ext}},
	}
	return Event{Nodes: []string{dialogsNode(agent)}, Payload: update.Indented()}
}

// Dialog is dialog id as actor may see it: a party to it, or a supervisor
// of an agent on it.
func (e *Engine) Dialog(ctx context.Context, actor *User, id string) (model.Dialog, error) {
	d, found, err := e.store.Dialog(ctx, id)
	if err != nil {
		return model.Dialog{}, err
	}
	if !found {
		return model.Dialog{}, refuse(ErrNotFound, id, "Invalid dialogId specified for dialog")
	}
	if !e.maySeeDialog(actor, d) {
		return model.Dialog{}, refuse(ErrNotYourUser, actor.ID, "you are not on this dialog")
	}
	return e.dialogView(d), nil
}

func (e *Engine) maySeeDialog(actor *User, d Dialog) bool {
	if actor.IsAdmin() {
		return true
	}
	for _, p := range d.Parties {
		if p.Agent == actor.ID {
			return true
		}
		if u, ok := e.dir.UserByID(p.Agent); ok && actor.SupervisesAgent(u) {
			return true
		}
	}
	return false
}

// UserDialogs lists the live dialogs of user idOrName.
func (e *Engine) UserDialogs(ctx context.Context, actor *User, idOrName string) ([]model.Dialog, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return nil, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	if err := directory.AuthorizeView(actor, u); err != nil {
		return nil, err
	}
	a, err := e.store.Agent(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := []model.Dialog{}
	ids := a.Dialogs
	if a.WrapUpDialog != "" && a.State.WrappingUp() {
		ids = append(slices.Clone(ids), a.WrapUpDialog)
	}
	for _, id := range ids {
		if d, found, err := e.store.Dialog(ctx, id); err == nil && found {
			out = append(out, e.dialogView(d))
		}
	}
	return out, nil
}

// DialogAction carries out req for actor, who must be a party to the
// dialog. Like state changes, a request that can never be valid is
// refused at once; one the party's state refuses is answered by an
// apiErrors event on the agent's Dialogs node.
func (e *Engine) DialogAction(ctx context.Context, actor *User, req DialogRequest) error {
	if err := e.checkDialogRequest(ctx, actor, req); err != nil {
		return err
	}
	u := actor
	var ended []string // the agents a DROP took off the call
	err := e.update(ctx, func(tx Tx) error {
		ended = nil
		d, _, err := tx.Dialog(req.DialogID)
		if err != nil {
			return err
		}
		a, err := tx.Agent(u.ID)
		if err != nil {
			return err
		}
		p, _ := d.party(u.ID)
		if req.TargetMediaAddress == "" && p != nil {
			req.TargetMediaAddress = p.Address
		}
		if req.Action == "PARTICIPANT_DROP" {
			ended, err = e.participantDrop(tx, u, a, d, req)
			return err
		}
		if p == nil || p.Address != req.TargetMediaAddress || !e.allowed(d, *p, req.Action) {
			tx.Emit(e.actionRefused(u.ID, d.ID, req, a.Extension))
			return nil
		}
		switch req.Action {
		case "DROP", "ACCEPT", "REJECT", "CLOSE": // those it ends may take the next call
			ended = agentsOn(d)
		case "ANSWER": // so may those a ring-all answer releases
			ended = othersRinging(d, u.ID)
		}
		return e.act(tx, u, a, d, req)
	})
	if err == nil && (req.Action == "CLOSE" || req.Action == "TRANSFER") {
		e.routeTasksAfter(ctx, req)
	}
	if err == nil {
		e.routeIfReady(ctx, ended...)
		if q, ok := e.dir.QueueDialedAt(req.ToAddress); ok && req.Action == "TRANSFER_SST" {
			e.route(ctx, q)
		}
	}
	return err
}

func (e *Engine) allowed(d Dialog, p Party, action string) bool {
	for _, a := range e.partyActions(d, p) {
		if a == action {
			return true
		}
	}
	return false
}

func (e *Engine) checkDialogRequest(ctx context.Context, actor *User, req DialogRequest) error {
	switch {
	case req.Action == "":
		return refuse(ErrParameterMissing, "requestedAction", "requestedAction is required")
	case !knownDialogActions[req.Action]:
		return refuse(ErrInvalidInput, "requestedAction", "unknown action "+req.Action)
	case !dialogActions[req.Action]:
		return refuse(ErrNotImplemented, "requestedAction", req.Action+" is not implemented yet")
	case req.TargetMediaAddress == "" && req.Action != "UPDATE_CALL_DATA":
		// The JS library sends no targetMediaAddress with a wrap-up
		// update, so UPDATE_CALL_DATA takes the caller's own party.
		return refuse(ErrParameterMissing, "targetMediaAddress", "targetMediaAddress is required")
	}
	if err := e.checkActionData(req); err != nil {
		return err
	}
	d, found, err := e.store.Dialog(ctx, req.DialogID)
	if err != nil {
		return err
	}
	if !found {
		return refuse(ErrNotFound, req.DialogID, "Invalid dialogId specified for dialog")
	}
	p, onIt := d.party(actor.ID)
	if !onIt {
		return refuse(ErrNotYourUser, actor.ID, "you are not on this dialog")
	}
	if d.Media != "" {
		return e.checkTaskRequest(req)
	}
	if err := e.checkOutboundRequest(d, req); err != nil {
		return err
	}
	if req.Action == "SEND_DTMF" && p.State == PartyHeld {
		// The reference answers DTMF on a held party with Invalid State
		// at once, rather than as an asynchronous Generic Error.
		return refuse(ErrPartyHeld, "dtmfString", "a held party cannot send DTMF")
	}
	return nil
}

// act applies an allowed action to the agent's party.
func (e *Engine) act(tx Tx, u *User, a Agent, d Dialog, req DialogRequest) error {
	if d.Media != "" {
		return e.actTask(tx, u, d, req)
	}
	if done, err := e.actOutbound(tx, u, a, d, req); done {
		return err
	}
	p, _ := d.party(u.ID)
	now := e.clock.Now()
	p.Changed = now
	switch req.Action {
	case "ANSWER":
		if a.State != model.StateReserved {
			// A call between agents: afterwards, back to where it was.
			a.ReturnState, a.ReturnReasonCodeID = a.State, a.ReasonCodeID
		}
		p.State = PartyActive
		a = e.enterOnCall(a, model.StateTalking)
		if err := e.claimOffer(tx, &d, u.ID); err != nil {
			return err
		}
		if err := e.connectCall(tx, d, u.ID); err != nil {
			return err
		}
		tx.PutAgent(a)
		if err := e.connectParties(tx, &d, req.RequestID); err != nil {
			return err
		}
	case "HOLD":
		p.State = PartyHeld
		a = e.enterOnCall(a, model.StateHold)
	case "RETRIEVE":
		p.State = PartyActive
		a = e.enterOnCall(a, model.StateTalking)
	case "DROP":
		return e.hangUp(tx, d, u.ID, req.RequestID)
	case "UPDATE_CALL_DATA", "SEND_DTMF":
		return e.changeCallData(tx, d, req)
	case "CONSULT_CALL":
		return e.consult(tx, u, a, d, req)
	case "TRANSFER", "CONFERENCE":
		return e.complete(tx, u, d, req)
	case "TRANSFER_SST":
		return e.singleStepTransfer(tx, u, d, req)
	}
	tx.PutDialog(d)
	tx.PutAgent(a)
	tx.Emit(e.dialogChanged(d, req.RequestID))
	if err := e.emitUser(tx, u, a, req.RequestID); err != nil {
		return err
	}
	if req.Action == "ANSWER" {
		return e.consultAnswered(tx, d, req.RequestID)
	}
	return nil
}

// consultAnswered tells the original call of an answered consult that
// TRANSFER and CONFERENCE are now possible.
func (e *Engine) consultAnswered(tx Tx, c Dialog, rid string) error {
	if c.Associated == "" {
		return nil
	}
	d, found, err := tx.Dialog(c.Associated)
	if err != nil || !found {
		return err
	}
	for i := range d.Parties {
		if d.Parties[i].Consult == c.ID {
			d.Parties[i].ConsultReady = true
		}
	}
	tx.PutDialog(d)
	tx.Emit(e.dialogChanged(d, rid))
	return nil
}

// connectCall marks the dialog's customer call answered by agent.
func (e *Engine) connectCall(tx Tx, d Dialog, agent string) error {
	if d.CallID == "" {
		return nil
	}
	call, found, err := tx.Call(d.CallID)
	if err != nil || !found {
		return err
	}
	call.State, call.RingDeadline, call.Agent = CallConnected, zeroTime(), agent
	tx.PutCall(call)
	return nil
}

// othersRinging lists the agents other than agent whose phones ring with
// d's customer call: those a ring-all answer releases.
func othersRinging(d Dialog, agent string) []string {
	var out []string
	for _, q := range d.Parties {
		if d.CallID != "" && q.Agent != "" && q.Agent != agent && q.State == PartyAlerting {
			out = append(out, q.Agent)
		}
	}
	return out
}

// claimOffer gives a call offered to several agents at once (ring-all) to
// the one who answered: the others' phones stop ringing, the dialog leaves
// their desktops and they go back to READY.
func (e *Engine) claimOffer(tx Tx, d *Dialog, agent string) error {
	ringing := othersRinging(*d, agent)
	if len(ringing) == 0 {
		return nil
	}
	var released []Party
	kept := make([]Party, 0, len(d.Parties))
	for _, q := range d.Parties {
		if slices.Contains(ringing, q.Agent) {
			released = append(released, q)
		} else {
			kept = append(kept, q)
		}
	}
	d.Parties = kept
	if p, ok := d.party(agent); ok && d.DNIS == "" {
		d.To = p.Address
	}
	for _, q := range released {
		// The dialog as it leaves this agent's desktop: the caller, and
		// its own phone no longer ringing.
		gone := d.Clone()
		gone.Parties = slices.DeleteFunc(gone.Parties, func(o Party) bool { return o.Agent != "" })
		q.State, q.Changed = PartyDropped, e.clock.Now()
		gone.Parties = append(gone.Parties, q)
		if err := e.leaveDialog(tx, q.Agent, gone, "", leaving{ringing: true}); err != nil {
			return err
		}
	}
	return nil
}
