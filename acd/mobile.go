package acd

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// A mobile agent works from any phone: the ACD reaches it on the dial
// number it signed in with, per customer call (CALL_BY_CALL) or once for
// the whole shift (NAILED_CONNECTION), through the dial plan as any
// outside number. Its extension is the CTI port it signed in on.

// checkMobileRequest refuses what a mobile sign-in can never be.
func checkMobileRequest(req StateRequest) error {
	m := req.Mobile
	switch {
	case m == nil:
		return nil
	case req.State != model.StateLogin:
		return refuse(ErrInvalidInput, "mobileAgent", "mobileAgent goes with state LOGIN")
	case m.Mode != model.MobileCallByCall && m.Mode != model.MobileNailed:
		return refuse(ErrInvalidInput, "mode", "mode must be CALL_BY_CALL or NAILED_CONNECTION")
	case m.DialNumber == "":
		return refuse(ErrParameterMissing, "dialNumber", "a mobile agent needs a dialNumber")
	case !directory.IsDialString(m.DialNumber):
		return refuse(ErrInvalidInput, "dialNumber", "the dialNumber is not a dial string")
	}
	return nil
}

// checkMobile is the phone system's answer to a mobile sign-in: a user
// not configured as a mobile agent (and every user on UCCX, which has
// none) is refused Mode Not Allowed; a nailed connection is called at
// once, and a number that is busy or invalid fails the sign-in (50040).
func (e *Engine) checkMobile(u *User, m *model.MobileAgent) *model.APIError {
	if m == nil {
		return nil
	}
	if !u.MobileAgent || e.dir.UCCX() {
		return &model.APIError{Type: "Mode Not Allowed", Message: "CF_MOBILE_AGENT_MODE_NOT_ALLOWED", Data: m.Mode}
	}
	if m.Mode == model.MobileNailed && !reachable(e.dir.Dial(m.DialNumber)) {
		return &model.APIError{Type: "Call Operation Failure", Message: "the nailed connection to " + m.DialNumber + " failed", Data: "50040"}
	}
	return nil
}

func reachable(rule directory.DialRule) bool {
	return rule.Behaviour != directory.DialBusy && rule.Behaviour != directory.DialInvalid
}

// reachAgents rings each CALL_BY_CALL agent's phone before the call is
// offered: one whose line is busy goes NOT_READY 50041, one whose number
// fails is signed out 50040, as UCCE does; the others stay candidates.
func (e *Engine) reachAgents(tx Tx, agents []candidate) ([]candidate, error) {
	out := agents[:0:0]
	for _, c := range agents {
		if c.agent.Mobile.Mode != model.MobileCallByCall {
			out = append(out, c)
			continue
		}
		var next Agent
		switch e.dir.Dial(c.agent.Mobile.DialNumber).Behaviour {
		case directory.DialBusy:
			next = e.enter(c.agent, model.StateNotReady, "50041")
		case directory.DialInvalid:
			next = e.signOut(tx, c.agent, "50040")
		default:
			out = append(out, c)
			continue
		}
		tx.PutAgent(next)
		if err := e.emitUser(tx, c.user, next, ""); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// A nailed connection is a call of its own from the phone system to the
// agent's phone, up for the whole shift: the simulator lists it among its
// calls, as line-<agent>, and its far end hanging up (DELETE
// /acd/Call/line-<agent>) signs the agent out with 50042, as UCCE does.

func lineID(agent string) string { return "line-" + agent }

func isLine(c Call) bool { return c.ID == lineID(c.Agent) }

// keepLines keeps the nailed connections of the agents tx wrote as their
// sign-in says: up to the dial number while signed in NAILED_CONNECTION,
// ended otherwise. It runs at the end of every transaction, like
// interruptMedia, so that every way of signing in or out keeps it;
// users not configured as mobile agents cost a map lookup.
func (e *Engine) keepLines(tx *agentWrites) error {
	for _, id := range tx.ids {
		if u, ok := e.dir.UserByID(id); !ok || !u.MobileAgent {
			continue
		}
		a, err := tx.Agent(id)
		if err != nil {
			return err
		}
		line, found, err := tx.Call(lineID(id))
		if err != nil {
			return err
		}
		up := found && line.State != CallEnded
		want := a.State.SignedIn() && a.Mobile.Mode == model.MobileNailed
		now := e.clock.Now()
		if up && (!want || line.DNIS != a.Mobile.DialNumber) {
			line.State, line.Ended = CallEnded, now
			tx.PutCall(line)
			up = false
		}
		if want && !up {
			tx.PutCall(Call{ID: lineID(id), DNIS: a.Mobile.DialNumber, Agent: id, State: CallConnected, Enqueued: now})
		}
	}
	return nil
}

// lineDropped is the far end of a nailed connection hanging up: the
// agent's calls end with it and the agent is signed out with 50042. It
// returns the agents taken off those calls.
func (e *Engine) lineDropped(tx Tx, line Call) ([]string, error) {
	line.State, line.Ended = CallEnded, e.clock.Now()
	tx.PutCall(line)
	a, err := tx.Agent(line.Agent)
	if err != nil || a.Mobile.Mode != model.MobileNailed || !a.State.SignedIn() {
		return nil, err
	}
	// The agent's calls end with the line, and it leaves as a pending
	// sign-out would at their end: straight to LOGOUT, no wrap-up.
	a.PendingState, a.PendingReasonCodeID = model.StateLogout, "50042"
	tx.PutAgent(a)
	var ended []string
	for _, id := range a.Dialogs {
		d, found, err := tx.Dialog(id)
		if err != nil {
			return nil, err
		}
		if found && d.Media == "" && d.Ended.IsZero() {
			ended = append(ended, agentsOn(d)...)
			// The agent's leg drops, as its DROP would: a conference goes on
			// without it.
			if err := e.hangUp(tx, d, a.ID, ""); err != nil {
				return nil, err
			}
		}
	}
	if a, err = tx.Agent(line.Agent); err != nil {
		return nil, err
	}
	ended = slices.DeleteFunc(ended, func(id string) bool { return id == a.ID })
	if a.State == model.StateLogout {
		return ended, nil
	}
	a = e.signOut(tx, a, "50042")
	tx.PutAgent(a)
	u, _ := e.dir.UserByID(a.ID)
	if err := e.emitUser(tx, u, a, ""); err != nil {
		return nil, err
	}
	return ended, dropSubscriptions(tx, a.ID)
}

// phonePickup is when a mobile agent's phone answers a call offered to it:
// at once on a nailed connection, after the dial plan's answer time per
// call, never for a number that only rings (the call then rings out).
func (e *Engine) phonePickup(m model.MobileAgent) (time.Duration, bool) {
	switch m.Mode {
	case model.MobileNailed:
		return 0, true
	case model.MobileCallByCall:
		if rule := e.dir.Dial(m.DialNumber); rule.Behaviour == directory.DialAnswer {
			return rule.AnswerAfter, true
		}
	}
	return 0, false
}

// answerOnPhone answers dialog id for the mobile agent whose phone picked
// up, as its ANSWER on the desktop would, if it still rings for it.
func (e *Engine) answerOnPhone(ctx context.Context, id string) {
	var ended []string
	err := e.update(ctx, func(tx Tx) error {
		ended = nil
		d, found, err := tx.Dialog(id)
		if err != nil || !found || d.State != DialogAlerting || d.AnswerDeadline.IsZero() || e.clock.Now().Before(d.AnswerDeadline) {
			return err
		}
		// In a ring-all offer the phone that picks up first takes it.
		var first *Party
		var firstAt time.Time
		for i, p := range d.Parties {
			if _, ok := e.dir.UserByID(p.Agent); !ok || p.State != PartyAlerting {
				continue
			}
			a, err := tx.Agent(p.Agent)
			if err != nil {
				return err
			}
			after, picks := e.phonePickup(a.Mobile)
			if at := p.Start.Add(after); picks && !e.clock.Now().Before(at) && (first == nil || at.Before(firstAt)) {
				first, firstAt = &d.Parties[i], at
			}
		}
		if first == nil {
			return nil
		}
		u, _ := e.dir.UserByID(first.Agent)
		a, err := tx.Agent(first.Agent)
		if err != nil {
			return err
		}
		d.AnswerDeadline = time.Time{}
		ended = othersRinging(d, u.ID)
		return e.act(tx, u, a, d, DialogRequest{DialogID: id, Action: "ANSWER", TargetMediaAddress: first.Address})
	})
	if err != nil {
		slog.Error("mobile agent answers", "dialog", id, "err", err)
		return
	}
	e.routeIfReady(ctx, ended...)
}

// ringsAgentsPhone reports whether dialog d waits for a mobile agent's
// phone to pick up rather than for an outside number to answer.
func ringsAgentsPhone(d Dialog) bool {
	return slices.ContainsFunc(d.Parties, func(p Party) bool { return p.Agent != "" && p.State == PartyAlerting })
}
