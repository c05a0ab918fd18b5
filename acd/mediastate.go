package acd

import (
	"context"
	"log/slog"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// MediaRequest is a PUT on a user's Media: sign in (LOGIN, with the
// options of the MRD sign-in), READY, NOT_READY, LOGOUT, or routable.
type MediaRequest struct {
	User, MRD          string
	State              string
	ReasonCodeID       string
	Routable           *bool
	MaxDialogs         int
	InterruptAction    string
	DialogLogoutAction string
	RequestID          string
}

// The MRD sign-in's bounds and defaults (developer guide: maxDialogLimit
// 1-10; interruptAction ACCEPT or IGNORE; dialogLogoutAction CLOSE or
// TRANSFER).
const (
	maxMediaDialogs     = 10
	defaultMediaDialogs = 1
)

// The asynchronous refusals of Media requests, as the developer guide's
// examples name them.
var (
	asyncMediaSignedIn = model.APIError{Type: "Invalid State", Message: "E_ARM_STAT_AGENT_ALREADY_LOGGED_IN", Data: "Agent already logged into MRD"}
	asyncMediaSameMode = model.APIError{Type: "Invalid State", Message: "E_ARM_STAT_ALREADY_IN_REQUESTED_AGENT_MODE", Data: "Agent already in requested mode"}
)

// ChangeMedia carries out req for actor, the user itself. A request that
// can never be valid is refused at once; one the user's state refuses is
// answered on its Media node.
func (e *Engine) ChangeMedia(ctx context.Context, actor *User, req MediaRequest) error {
	u, md, err := e.userMedia(req.User, req.MRD)
	if err != nil {
		return err
	}
	if err := directory.AuthorizeSelf(actor, u); err != nil {
		return err
	}
	if err := e.checkMediaRequest(u, &req); err != nil {
		return err
	}
	var closed []string
	err = e.update(ctx, func(tx Tx) error {
		closed = nil
		m, err := mediaAgent(tx, u.ID, md.ID)
		if err != nil {
			return err
		}
		next, refusal := e.mediaTransition(m, req)
		if refusal != nil {
			tx.Emit(e.mediaError(u.ID, md.ID, req.RequestID, *refusal))
			return nil
		}
		if next.State == MediaLogout {
			if closed, err = e.endTasksAtLogout(tx, md, next); err != nil {
				return err
			}
			next.Dialogs = nil
		}
		tx.PutMediaAgent(next)
		tx.Emit(e.mediaEvent(md, next, req.RequestID))
		return nil
	})
	if err == nil {
		e.routeMedia(ctx, md)
		for _, q := range closed {
			if qd := e.dir.MediaDomainOfQueue(q); qd != nil && qd != md {
				e.routeMedia(ctx, qd)
			}
		}
		if !md.Interruptible {
			e.routeIfReady(ctx, u.ID) // its tasks no longer keep calls away
		}
	}
	return err
}

func (e *Engine) checkMediaRequest(u *User, req *MediaRequest) error {
	switch req.State {
	case "":
		if req.Routable == nil {
			return refuse(ErrParameterMissing, "state", "state or routable is required")
		}
		return nil
	case string(model.StateLogin):
		req.MaxDialogs = max(req.MaxDialogs, defaultMediaDialogs)
		if req.MaxDialogs > maxMediaDialogs {
			return refuse(ErrInvalidInput, "maxDialogLimit", "maxDialogLimit is 1 to 10")
		}
		if req.InterruptAction == "" {
			req.InterruptAction = "ACCEPT"
		}
		if req.DialogLogoutAction == "" {
			req.DialogLogoutAction = "CLOSE"
		}
		if req.InterruptAction != "ACCEPT" && req.InterruptAction != "IGNORE" {
			return refuse(ErrInvalidInput, "interruptAction", "interruptAction is ACCEPT or IGNORE")
		}
		if req.DialogLogoutAction != "CLOSE" && req.DialogLogoutAction != "TRANSFER" {
			return refuse(ErrInvalidInput, "dialogLogoutAction", "dialogLogoutAction is CLOSE or TRANSFER")
		}
	case MediaReady, MediaLogout:
	case MediaNotReady:
		if req.ReasonCodeID == "" {
			return nil
		}
		rc, ok := e.usableCode(req.ReasonCodeID, teamID(u))
		if !ok {
			e.refreshCodes(context.Background())
			rc, ok = e.usableCode(req.ReasonCodeID, teamID(u))
		}
		if !ok || rc.Category != model.CategoryNotReady {
			return refuse(ErrInvalidInput, "reasonCodeId", "no NOT_READY reason code "+req.ReasonCodeID+" for this user")
		}
	default:
		return refuse(ErrInvalidInput, "state", "a Media state is LOGIN, READY, NOT_READY or LOGOUT")
	}
	return nil
}

// mediaTransition is the MRD state machine: m after req, or the refusal.
// A user at work on tasks who asks for NOT_READY gets it once they end.
func (e *Engine) mediaTransition(m MediaAgent, req MediaRequest) (MediaAgent, *model.APIError) {
	if req.Routable != nil {
		if !m.SignedIn() {
			return m, &asyncInvalidState
		}
		m.Routable = *req.Routable
	}
	switch req.State {
	case "":
		return m, nil
	case string(model.StateLogin):
		if m.SignedIn() {
			return m, &asyncMediaSignedIn
		}
		m = e.enterMedia(m, MediaNotReady, "-1")
		m.Routable, m.MaxDialogs = true, req.MaxDialogs
		m.InterruptAction, m.DialogLogoutAction = req.InterruptAction, req.DialogLogoutAction
		return m, nil
	}
	switch {
	case !m.SignedIn():
		return m, &asyncInvalidState
	case req.State == MediaLogout:
		m.PendingState, m.PendingReasonCodeID = "", ""
		return e.enterMedia(m, MediaLogout, reasonOrNone(req.ReasonCodeID)), nil
	case req.State == m.State && len(m.Dialogs) == 0 && (req.State == MediaReady || req.ReasonCodeID == m.ReasonCodeID):
		return m, &asyncMediaSameMode
	case len(m.Dialogs) > 0:
		m.PendingState, m.PendingReasonCodeID = req.State, reasonOrNone(req.ReasonCodeID)
		if req.State == MediaReady {
			m.PendingState, m.PendingReasonCodeID = "", ""
		}
		return m, nil
	case req.State == MediaReady:
		return e.enterMedia(m, MediaReady, ""), nil
	}
	return e.enterMedia(m, MediaNotReady, reasonOrNone(req.ReasonCodeID)), nil
}

// leaveMedia signs agent out of every MRD it is signed in to, as signing
// out of the desktop does: its tasks go as each MRD's dialogLogoutAction
// says (tasks sent back wait for the next routing or sweep).
func (e *Engine) leaveMedia(tx Tx, agent string) {
	u, ok := e.dir.UserByID(agent)
	if !ok {
		return
	}
	for _, md := range u.MediaDomains {
		m, err := mediaAgent(tx, agent, md.ID)
		if err != nil || !m.SignedIn() {
			continue
		}
		if _, err := e.endTasksAtLogout(tx, md, m); err != nil {
			slog.Error("sign out of media", "agent", agent, "mrd", md.ID, "err", err)
			continue
		}
		m = e.enterMedia(m, MediaLogout, "-1")
		m.Dialogs, m.PendingState, m.PendingReasonCodeID = nil, "", ""
		tx.PutMediaAgent(m)
		tx.Emit(e.mediaEvent(md, m, ""))
	}
}

// sweepTasks offers the tasks waiting in every MRD's queue: those sent
// back when their user signed out, or left by another node.
func (e *Engine) sweepTasks(ctx context.Context) {
	for _, md := range e.dir.MediaDomains() {
		e.routeMedia(ctx, md)
	}
}
