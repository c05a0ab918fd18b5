package acd

import (
	"context"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// MakeCallRequest is a POST on a user's Dialogs with MAKE_CALL.
type MakeCallRequest struct {
	AgentID   string
	From, To  string
	Variables []model.CallVariable
	RequestID string
}

// MakeCall places a call from the agent's phone: to another agent's
// extension (AGENT_INSIDE) or an outside number (OUT), which behaves as the
// dial plan says. An agent placing a call from READY goes NOT_READY (50006
// on UCCE, 32762 off-hook on UCCX) so that no routed call reaches it
// meanwhile; when the call ends it is back in the state it called from.
func (e *Engine) MakeCall(ctx context.Context, actor *User, req MakeCallRequest) error {
	u, ok := e.dir.UserByID(req.AgentID)
	if !ok {
		return refuse(ErrUserNotFound, req.AgentID, "no such user")
	}
	if actor != u || !u.IsAgent() {
		return refuse(ErrNotYourUser, actor.ID, "only the agent itself may place its calls")
	}
	if req.To == "" {
		return refuse(ErrParameterMissing, "toAddress", "toAddress is required")
	}
	if err := checkVariables(req.Variables); err != nil {
		return err
	}
	a, err := e.store.Agent(ctx, u.ID)
	if err != nil {
		return err
	}
	if req.From != "" && a.Extension != "" && req.From != a.Extension {
		return refuse(ErrInvalidInput, "fromAddress", "fromAddress must be your own extension")
	}
	if req.To == req.From || req.To == a.Extension {
		return refuse(ErrInvalidDestination, "toAddress", "a call to yourself")
	}
	return e.update(ctx, func(tx Tx) error {
		a, err := tx.Agent(u.ID)
		if err != nil {
			return err
		}
		if !a.State.SignedIn() || a.State.OnCall() || len(a.Dialogs) > 0 {
			tx.Emit(e.dialogError(u.ID, "", req.RequestID, asyncInvalidState))
			return nil
		}
		return e.placeCall(tx, u, a, req)
	})
}

// placeCall creates the dialog of a call the agent places and rings the
// far end.
func (e *Engine) placeCall(tx Tx, u *User, a Agent, req MakeCallRequest) error {
	id, err := tx.NextID("dialog")
	if err != nil {
		return err
	}
	now := e.clock.Now()
	d := Dialog{
		ID: id, From: a.Extension, To: req.To, DialedNumber: req.To, Variables: req.Variables,
		State: DialogAlerting, Created: now,
		Parties: []Party{{Address: a.Extension, AddressType: "AGENT_DEVICE", Agent: u.ID, State: PartyInitiated, Start: now, Changed: now}},
	}
	far, err := e.farEnd(tx, &d, req.To)
	if err != nil {
		return err
	}
	d.Parties = append(d.Parties, far)
	a.ReturnState, a.ReturnReasonCodeID = a.State, a.ReasonCodeID
	if a.State == model.StateReady {
		a = e.enter(a, model.StateNotReady, e.placingCallReason())
	}
	a.Dialogs = append(a.Dialogs, id)
	tx.PutDialog(d)
	tx.PutAgent(a)
	tx.Emit(e.dialogAdded(u.ID, offHook(d), req.RequestID))
	if err := e.emitUser(tx, u, a, req.RequestID); err != nil {
		return err
	}
	tx.Emit(e.dialing(u.ID, d, req.RequestID))
	if far.Agent != "" {
		return e.ringAgent(tx, far.Agent, d)
	}
	e.armAnswer(d)
	return nil
}

// placingCallReason is the Not Ready reason of an agent that places a call
// from READY: 50006 on UCCE (12.5 developer guide), AGT_OFFHOOK 32762 on
// UCCX (its CTI reason codes).
func (e *Engine) placingCallReason() string {
	if e.dir.UCCX() {
		return "32762"
	}
	return "50006"
}

// offHook is the dialog a call the agent places starts as, before the
// phone system knows where it goes (BEGIN_CALL_EVENT): INITIATING, with
// only the agent's party and no toAddress, as real Finesse posts it.
func offHook(d Dialog) Dialog {
	d.State, d.To, d.DialedNumber = DialogInitiating, "", ""
	d.Parties = []Party{d.Parties[0]}
	d.Parties[0].State = PartyInitiating
	return d
}

// dialing shows the agent that placed d where its call went: the far end
// ringing (or the call failed), its own party dialling. Only the agent
// sees it: a far agent's desktop learns of the call by its own POST.
func (e *Engine) dialing(agent string, d Dialog, requestID string) Event {
	ev := e.dialogChanged(d, requestID)
	ev.Nodes = []string{dialogsNode(agent)}
	return ev
}

// farEnd is the party a call to number reaches: the agent signed in on
// that extension (busy when it is on a call), a device nobody is signed in
// on (it rings), or an outside number as the dial plan says. A call that
// cannot connect fails at once, with the cause on the caller's party.
func (e *Engine) farEnd(tx Tx, d *Dialog, number string) (Party, error) {
	now := e.clock.Now()
	far := Party{Address: number, State: PartyAlerting, Start: now, Changed: now}
	if e.dir.IsDevice(number) {
		d.CallType = "AGENT_INSIDE"
		holder, err := tx.DeviceHolder(number)
		if err != nil || holder == "" {
			return far, err
		}
		b, err := tx.Agent(holder)
		if err != nil {
			return far, err
		}
		if b.State.OnCall() || len(b.Dialogs) > 0 {
			fail(d, "BUSY")
			return Party{Address: number, AddressType: "AGENT_DEVICE", State: PartyDropped, Start: now, Changed: now}, nil
		}
		far.AddressType, far.Agent = "AGENT_DEVICE", holder
		return far, nil
	}
	d.CallType = "OUT"
	switch rule := e.dir.Dial(number); rule.Behaviour {
	case directory.DialBusy:
		fail(d, "BUSY")
		far.State = PartyDropped
	case directory.DialInvalid:
		fail(d, "BAD_DESTINATION")
		far.State = PartyDropped
	case directory.DialAnswer:
		d.AnswerDeadline = now.Add(rule.AnswerAfter)
	}
	return far, nil
}

// fail marks a call that could not connect: the caller's party FAILED with
// the cause, the dialog FAILED.
func fail(d *Dialog, cause string) {
	d.State = DialogFailed
	d.Parties[0].State, d.Parties[0].Cause = PartyFailed, cause
}

// ringAgent puts a call on an agent's desktop, ringing; the agent's state
// does not change until it answers.
func (e *Engine) ringAgent(tx Tx, agent string, d Dialog) error {
	b, err := tx.Agent(agent)
	if err != nil {
		return err
	}
	b.Dialogs = append(b.Dialogs, d.ID)
	tx.PutAgent(b)
	tx.Emit(e.dialogAdded(agent, d, ""))
	return nil
}

// connectParties completes a call when its far end answers: every party
// still dialling becomes ACTIVE and its agent TALKING.
func (e *Engine) connectParties(tx Tx, d *Dialog, requestID string) error {
	now := e.clock.Now()
	d.State = DialogActive
	for i := range d.Parties {
		p := &d.Parties[i]
		if p.State != PartyInitiated {
			continue
		}
		p.State, p.Changed = PartyActive, now
		u, ok := e.dir.UserByID(p.Agent)
		if !ok {
			continue
		}
		a, err := tx.Agent(p.Agent)
		if err != nil {
			return err
		}
		a = e.enterOnCall(a, model.StateTalking)
		tx.PutAgent(a)
		if err := e.emitUser(tx, u, a, ""); err != nil {
			return err
		}
	}
	return nil
}

// sweepAnswers picks up the outside numbers whose answer time has come.
func (e *Engine) sweepAnswers(ctx context.Context) {
	dialogs, err := e.store.Dialogs(ctx)
	if err != nil {
		return
	}
	now := e.clock.Now()
	for _, d := range dialogs {
		if d.AnswerDeadline.IsZero() || now.Before(d.AnswerDeadline) || d.State != DialogAlerting {
			continue
		}
		if ringsAgentsPhone(d) {
			e.answerOnPhone(ctx, d.ID)
			continue
		}
		e.update(ctx, func(tx Tx) error {
			d, found, err := tx.Dialog(d.ID)
			if err != nil || !found || d.State != DialogAlerting {
				return err
			}
			d.AnswerDeadline = zeroTime()
			for i := range d.Parties {
				if d.Parties[i].Agent == "" && d.Parties[i].State == PartyAlerting {
					d.Parties[i].State, d.Parties[i].Changed = PartyActive, now
				}
			}
			if err := e.connectParties(tx, &d, ""); err != nil {
				return err
			}
			if err := e.outboundAnswered(tx, &d); err != nil {
				return err
			}
			tx.PutDialog(d)
			tx.Emit(e.dialogChanged(d, ""))
			return e.consultAnswered(tx, d, "")
		})
	}
}
