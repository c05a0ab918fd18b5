package acd

import (
	"context"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// StateRequest is a PUT on a User: sign in, sign out or change state.
type StateRequest struct {
	AgentID      string
	State        model.AgentState
	Extension    string
	ReasonCodeID string
	RequestID    string
	// Mobile signs a mobile agent in (with State LOGIN), reached on its
	// dial number; nil for a desk phone.
	Mobile *model.MobileAgent
}

// ChangeState applies req for actor. A request that can never be valid,
// or LOGOUT for a user already signed out, returns a *RequestError and
// changes nothing. A valid request that the
// agent's current state refuses returns nil and commits an asynchronous
// error event on the agent's User node, as Finesse does; every accepted
// request commits exactly one event on that node carrying req.RequestID.
func (e *Engine) ChangeState(ctx context.Context, actor *User, req StateRequest) error {
	target, ok := e.dir.UserByID(req.AgentID)
	if !ok {
		return refuse(ErrUserNotFound, req.AgentID, "no such user")
	}
	if err := directory.AuthorizeStateChange(actor, target); err != nil {
		return err
	}
	if !target.IsAgent() {
		return refuse(ErrNotAuthorized, target.ID, "the user is not an agent")
	}
	forced := actor != target
	if err := e.checkStateRequest(target, req, forced); err != nil {
		return err
	}
	var ready bool
	err := e.update(ctx, func(tx Tx) error {
		a, err := tx.Agent(target.ID)
		if err != nil {
			return err
		}
		if req.State == model.StateLogout && a.State == model.StateLogout {
			// Finesse refuses this one at once, not by an event.
			return refuse(ErrInvalidState, "state", "the user is already signed out")
		}
		next, refusal := e.transition(tx, target, a, req, forced)
		ready = refusal == nil && next.State == model.StateReady
		if refusal != nil {
			tx.Emit(e.userErrorEvent(target, req.RequestID, *refusal))
			return nil
		}
		tx.PutAgent(next)
		if err := e.emitUser(tx, target, next, req.RequestID); err != nil {
			return err
		}
		if next.State == model.StateLogout && a.State != model.StateLogout {
			return dropSubscriptions(tx, target.ID)
		}
		return nil
	})
	if err == nil && ready {
		e.routeFor(ctx, target)
	}
	return err
}

// transition is the agent state machine: the agent after req, or the
// refusal to report asynchronously.
func (e *Engine) transition(tx Tx, u *User, a Agent, req StateRequest, forced bool) (Agent, *model.APIError) {
	switch {
	case req.State == model.StateLogin:
		return e.signIn(tx, u, a, req.Extension, req.Mobile)
	case !a.State.SignedIn():
		return a, &asyncInvalidState
	case e.mayLeaveOutboundHold(a, req, forced):
		// The dialer finds its held agent gone and takes another.
		return e.request(tx, a, req)
	case a.State.OnCall() || len(a.Dialogs) > 0:
		// An agent with a live dialog (a call it is placing, say, while
		// still NOT_READY 50006) is on a call: requests wait for its end.
		return e.pend(u, a, req, forced)
	case forced:
		return e.force(tx, a, req.State)
	case a.WrapUpNeedsData && a.State.WrappingUp() && req.State != model.StateLogout:
		return a, &asyncWrapUpDataRequired
	}
	return e.request(tx, a, req)
}

// signIn signs the agent in on ext, or moves a signed-in agent to ext
// keeping its state (a repeated sign-in is forced, as in Finesse).
func (e *Engine) signIn(tx Tx, u *User, a Agent, ext string, mobile *model.MobileAgent) (Agent, *model.APIError) {
	if !e.dir.IsDevice(ext) {
		refusal := asyncInvalidDevice(ext)
		return a, &refusal
	}
	if refusal := e.checkMobile(u, mobile); refusal != nil {
		return a, refusal
	}
	holder, err := tx.DeviceHolder(ext)
	if err != nil || (holder != "" && holder != u.ID) {
		refusal := asyncDeviceBusy(ext)
		return a, &refusal
	}
	if a.State.OnCall() && a.Extension != ext {
		return a, &asyncInvalidState
	}
	if a.State.SignedIn() {
		if a.Extension != ext {
			tx.SetDeviceHolder(a.Extension, "")
		}
	} else {
		a = e.enter(a, model.StateNotReady, "-1")
	}
	a.Extension, a.Mobile = ext, model.MobileAgent{}
	if mobile != nil {
		a.Mobile = *mobile
	}
	tx.SetDeviceHolder(ext, u.ID)
	return a, nil
}

// request applies an agent's own request while it is not on a call.
func (e *Engine) request(tx Tx, a Agent, req StateRequest) (Agent, *model.APIError) {
	switch req.State {
	case model.StateReady:
		return e.enter(a, model.StateReady, ""), nil
	case model.StateNotReady:
		return e.enter(a, model.StateNotReady, reasonOrNone(req.ReasonCodeID)), nil
	case model.StateLogout:
		if a.State == model.StateNotReady || (e.dir.UCCX() && a.State == model.StateReady) {
			return e.signOut(tx, a, reasonOrNone(req.ReasonCodeID)), nil
		}
	}
	return a, &asyncInvalidState
}

// force applies a supervisor's request for an agent not on a call, with
// the reason code Finesse hard-codes for it.
func (e *Engine) force(tx Tx, a Agent, state model.AgentState) (Agent, *model.APIError) {
	switch state {
	case model.StateReady:
		return e.enter(a, model.StateReady, ""), nil
	case model.StateNotReady:
		if a.State == model.StateReady || a.State == model.StateWork || a.State == model.StateWorkReady {
			return e.enter(a, model.StateNotReady, e.forcedNotReadyCode()), nil
		}
	case model.StateLogout:
		return e.signOut(tx, a, e.forcedLogoutCode()), nil
	}
	return a, &asyncInvalidState
}

// pend records a request made during a call as the pending state, applied
// when the call ends.
func (e *Engine) pend(u *User, a Agent, req StateRequest, forced bool) (Agent, *model.APIError) {
	reason := reasonOrNone(req.ReasonCodeID)
	if e.dir.UCCX() && !forced && (req.State == model.StateReady || a.PendingState == model.StateNotReady) {
		// UCCX takes no pending READY and only one pending NOT_READY a call.
		return a, &asyncAgentWorkMode
	}
	switch {
	case req.State == model.StateReady:
		reason = ""
	case forced && req.State == model.StateLogout:
		reason = e.forcedLogoutCode()
	case !forced && req.State == model.StateNotReady:
	case !forced && (req.State == model.StateWork || req.State == model.StateWorkReady) && e.mayAskWrapUp(u):
		reason = ""
	default:
		return a, &asyncInvalidState
	}
	a.PendingState, a.PendingReasonCodeID = req.State, reason
	return a, nil
}

// enterOnCall moves an agent on a call between call states (TALKING,
// HOLD) keeping the pending state it asked for, which applies when the
// call ends.
func (e *Engine) enterOnCall(a Agent, state model.AgentState) Agent {
	ps, pr := a.PendingState, a.PendingReasonCodeID
	a = e.enter(a, state, "")
	a.PendingState, a.PendingReasonCodeID = ps, pr
	return a
}

// enter moves a to state with reason, stamping the change time when
// either changes.
func (e *Engine) enter(a Agent, state model.AgentState, reason string) Agent {
	now := e.clock.Now()
	if a.State != state || a.ReasonCodeID != reason {
		a.StateChangeTime = now
	}
	if state == model.StateReady && a.State != model.StateReady {
		a.ReadySince = now
	}
	if state != model.StateWork && state != model.StateWorkReady {
		a.WrapUpDeadline = time.Time{}
	}
	a.State, a.ReasonCodeID = state, reason
	a.PendingState, a.PendingReasonCodeID = "", ""
	return a
}

func (e *Engine) signOut(tx Tx, a Agent, reason string) Agent {
	if a.Extension != "" {
		tx.SetDeviceHolder(a.Extension, "")
	}
	a = e.enter(a, model.StateLogout, reason)
	a.Extension, a.Mobile = "", model.MobileAgent{}
	e.leaveMedia(tx, a.ID)
	return a
}

func reasonOrNone(id string) string {
	if id == "" {
		return "-1"
	}
	return id
}

// forcedNotReadyCode and forcedLogoutCode are the reason codes Finesse
// sends when a supervisor changes an agent's state.
func (e *Engine) forcedNotReadyCode() string {
	if e.dir.UCCX() {
		return "33"
	}
	return "999"
}

func (e *Engine) forcedLogoutCode() string {
	if e.dir.UCCX() {
		return "22"
	}
	return "999"
}

// mayAskWrapUp reports whether u may ask for wrap-up during a call: its
// team's incoming mode is not NOT_ALLOWED (with OPTIONAL the request is
// what makes wrap-up follow).
func (e *Engine) mayAskWrapUp(u *User) bool {
	return u.Team != nil && u.Team.WrapUpOnIncoming != model.WrapUpNotAllowed
}
