package acd

import (
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
