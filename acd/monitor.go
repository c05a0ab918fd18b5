package acd

import (
	"context"
	"slices"
	"strings"

	"github.com/finessed/finessed/model"
)

// callTypeMonitor is the callType of a supervisor's silent-monitor dialog.
const callTypeMonitor = "SUPERVISOR_MONITOR"

// MonitorRequest is a POST on a supervisor's Dialogs with SILENT_MONITOR
// (From its own extension, To the agent's) or BARGE_CALL (Monitor the
// silent-monitor dialog it barges in from).
type MonitorRequest struct {
	SupervisorID string
	From, To     string
	Monitor      string
	RequestID    string
}

// SilentMonitor starts a supervisor listening to the call of the agent
// on req.To: the supervisor, signed in on req.From and NOT_READY, gets a
// SUPERVISOR_MONITOR dialog and goes TALKING (UCCE; UCCX keeps it
// NOT_READY); the agent is not told. The monitor ends when the supervisor
// drops it or the agent leaves the call.
func (e *Engine) SilentMonitor(ctx context.Context, actor *User, req MonitorRequest) error {
	sup, err := e.checkSupervisorRequest(actor, req)
	if err != nil {
		return err
	}
	switch {
	case req.From == "":
		return refuse(ErrParameterMissing, "fromAddress", "fromAddress is required")
	case req.To == "":
		return refuse(ErrParameterMissing, "toAddress", "toAddress is required")
	case req.To == req.From:
		return refuse(ErrInvalidDestination, "toAddress", "a supervisor cannot monitor itself")
	}
	return e.update(ctx, func(tx Tx) error {
		s, err := tx.Agent(sup.ID)
		if err != nil {
			return err
		}
		if s.State.SignedIn() && s.Extension != req.From {
			return refuse(ErrInvalidInput, "fromAddress", "fromAddress must be your own extension")
		}
		if s.State != model.StateNotReady || len(s.Dialogs) > 0 {
			tx.Emit(e.dialogError(sup.ID, "", req.RequestID, asyncInvalidState))
			return nil
		}
		agent, d, refusal, err := e.monitorable(tx, sup, req.To)
		if err != nil || refusal != nil {
			if refusal != nil {
				tx.Emit(e.dialogError(sup.ID, "", req.RequestID, *refusal))
			}
			return err
		}
		return e.startMonitor(tx, sup, s, agent, d, req)
	})
}

// checkSupervisorRequest is what every supervisor call request must be:
// made by the supervisor itself.
func (e *Engine) checkSupervisorRequest(actor *User, req MonitorRequest) (*User, error) {
	sup, ok := e.dir.UserByID(req.SupervisorID)
	switch {
	case !ok:
		return nil, refuse(ErrUserNotFound, req.SupervisorID, "no such user")
	case actor != sup:
		return nil, refuse(ErrNotYourUser, actor.ID, "only the supervisor itself may monitor")
	case !sup.HasRole(model.RoleSupervisor):
		return nil, refuse(ErrNotAuthorized, sup.ID, "only a supervisor may monitor or barge in")
	}
	return sup, nil
}

// monitorable finds the call the agent signed in on ext is talking on,
// which sup may monitor. A device nobody can be monitored on (no agent,
// on no live call, a monitor call itself, already monitored) is the phone
// system's refusal; an agent not TALKING (READY, in wrap-up) is Invalid
// State; an agent of another team is refused at once.
func (e *Engine) monitorable(tx Tx, sup *User, ext string) (*User, Dialog, *model.APIError, error) {
	monitorFailed := e.monitorFailure(ext)
	holder, err := tx.DeviceHolder(ext)
	if err != nil || holder == "" {
		return nil, Dialog{}, &monitorFailed, err
	}
	u, ok := e.dir.UserByID(holder)
	if !ok {
		return nil, Dialog{}, &monitorFailed, nil
	}
	if !sup.SupervisesAgent(u) {
		return nil, Dialog{}, nil, refuse(ErrInvalidSupervisor, u.ID, "the agent is on none of your teams")
	}
	a, err := tx.Agent(u.ID)
	if err != nil {
		return nil, Dialog{}, nil, err
	}
	if a.State != model.StateTalking {
		return nil, Dialog{}, &asyncInvalidState, nil
	}
	for _, id := range a.Dialogs {
		d, found, err := tx.Dialog(id)
		if err != nil {
			return nil, Dialog{}, nil, err
		}
		if p, ok := d.party(u.ID); !found || !ok || p.State != PartyActive {
			continue
		}
		busy, err := monitored(tx, d)
		if err != nil || busy || d.CallType == callTypeMonitor {
			return nil, Dialog{}, &monitorFailed, err
		}
		return u, d, nil, nil
	}
	return nil, Dialog{}, &monitorFailed, nil
}

// monitored reports whether a supervisor is listening to d now.
func monitored(tx Tx, d Dialog) (bool, error) {
	if d.Monitor == "" {
		return false, nil
	}
	m, found, err := tx.Dialog(d.Monitor)
	return found && m.State != DialogDropped, err
}

// monitorFailure is the phone system's refusal of a monitor or barge, as
// Finesse passes it on: the CTI code as errorType (UCCE 13145, UCCX 88049).
func (e *Engine) monitorFailure(ext string) model.APIError {
	code := "13145"
	if e.dir.UCCX() {
		code = "88049"
	}
	return model.APIError{Type: code, Message: "unable to monitor extension " + ext, Data: ext}
}

// startMonitor connects sup (its agent record s) to the call d of agent.
func (e *Engine) startMonitor(tx Tx, sup *User, s Agent, agent *User, d Dialog, req MonitorRequest) error {
	id, err := tx.NextID("dialog")
	if err != nil {
		return err
	}
	now := e.clock.Now()
	m := Dialog{
		ID: id, CallType: callTypeMonitor, From: s.Extension, To: req.To, DialedNumber: req.To,
		State: DialogActive, Created: now, Monitor: d.ID,
		Parties: []Party{
			{Address: s.Extension, AddressType: "AGENT_DEVICE", Agent: sup.ID, State: PartyActive, Start: now, Changed: now},
			// The agent's device, not the agent: its desktop is not told.
			{Address: req.To, AddressType: "AGENT_DEVICE", State: PartyActive, Start: now, Changed: now},
		},
	}
	d.Monitor = id
	tx.PutDialog(d)
	tx.PutDialog(m)
	s.ReturnState, s.ReturnReasonCodeID = s.State, s.ReasonCodeID
	if !e.dir.UCCX() {
		s = e.enterOnCall(s, model.StateTalking)
	}
	s.Dialogs = append(s.Dialogs, id)
	tx.PutAgent(s)
	tx.Emit(e.dialogAdded(sup.ID, m, req.RequestID))
	if s.State == model.StateTalking {
		return e.emitUser(tx, sup, s, req.RequestID)
	}
	return nil
}

// endMonitorOf ends the silent monitor of agent's call d when the agent
// leaves it (the call ended, or the agent transferred it or dropped out
// of a conference): there is nothing left to listen to.
func (e *Engine) endMonitorOf(tx Tx, agent string, d Dialog) error {
	if d.Monitor == "" || d.CallType == callTypeMonitor {
		return nil
	}
	m, found, err := tx.Dialog(d.Monitor)
	if err != nil || !found || m.State == DialogDropped {
		return err
	}
	if p, ok := d.party(agent); !ok || p.Address != m.To {
		return nil
	}
	return e.hangUp(tx, m, "", "")
}

// Barge turns a silent monitor into a conference: the supervisor joins
// the agent's call (three or more parties, the supervisor ACTIVE), and
// the monitor dialog ends. Dropping out of the call later leaves the
// agent and the customer talking, the supervisor back where it was
// before it monitored, without wrap-up.
func (e *Engine) Barge(ctx context.Context, actor *User, req MonitorRequest) error {
	sup, err := e.checkSupervisorRequest(actor, req)
	if err != nil {
		return err
	}
	monitorID, ok := strings.CutPrefix(req.Monitor, model.DialogURI(""))
	if req.Monitor == "" {
		return refuse(ErrParameterMissing, "associatedDialogUri", "associatedDialogUri is required")
	}
	if !ok || monitorID == "" {
		return refuse(ErrInvalidInput, "associatedDialogUri", "associatedDialogUri must name a Dialog")
	}
	return e.update(ctx, func(tx Tx) error {
		m, found, err := tx.Dialog(monitorID)
		if err != nil {
			return err
		}
		p, onIt := m.party(sup.ID)
		if !found || m.CallType != callTypeMonitor || !onIt {
			return refuse(ErrNotFound, monitorID, "no silent monitor of yours with this id")
		}
		if p.State != PartyActive || m.State != DialogActive {
			tx.Emit(e.dialogError(sup.ID, m.ID, req.RequestID, asyncInvalidState))
			return nil
		}
		d, found, err := tx.Dialog(m.Monitor)
		if err != nil {
			return err
		}
		if !found || !bargeable(d, m.To) {
			tx.Emit(e.dialogError(sup.ID, m.ID, req.RequestID, asyncBargeFailed))
			return nil
		}
		return e.joinCall(tx, sup, m, d, req.RequestID)
	})
}

// bargeable reports whether the call d can take a supervisor in: live,
// with the monitored agent on ext talking on it and no consult of its
// own in progress (Finesse's 20999).
func bargeable(d Dialog, ext string) bool {
	if d.State != DialogActive {
		return false
	}
	i := slices.IndexFunc(d.Parties, func(p Party) bool { return p.Address == ext && p.Agent != "" })
	return i >= 0 && d.Parties[i].State == PartyActive && d.Parties[i].Consult == ""
}

// asyncBargeFailed refuses a barge the call cannot take.
var asyncBargeFailed = model.APIError{Type: "Call Operation Failure", Message: "CF_GENERIC_UNSPECIFIED_REJECTION", Data: "20999"}

// joinCall ends the monitor m and puts sup on the call d.
func (e *Engine) joinCall(tx Tx, sup *User, m Dialog, d Dialog, requestID string) error {
	now := e.clock.Now()
	s, err := tx.Agent(sup.ID)
	if err != nil {
		return err
	}
	dropParties(&m, now)
	m.State, m.Ended = DialogDropped, now
	tx.PutDialog(m)
	tx.Emit(e.dialogChanged(m, requestID, sup.ID))
	tx.Emit(e.dialogRemoved(sup.ID, m, requestID))
	d.Monitor, d.CallType = "", "CONFERENCE"
	d.Parties = append(d.Parties, Party{
		Address: s.Extension, AddressType: "AGENT_DEVICE", Agent: sup.ID, State: PartyActive,
		Start: now, Changed: now, Supervisor: true,
	})
	tx.PutDialog(d)
	s.Dialogs = append(slices.DeleteFunc(s.Dialogs, func(id string) bool { return id == m.ID }), d.ID)
	s = e.enterOnCall(s, model.StateTalking)
	tx.PutAgent(s)
	tx.Emit(e.dialogAdded(sup.ID, d, requestID))
	tx.Emit(e.dialogChanged(d, requestID))
	return e.emitUser(tx, sup, s, requestID)
}
