package acd

import (
	"context"
	"slices"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// checkStateRequest refuses, synchronously, a state request that no agent
// state could make valid.
func (e *Engine) checkStateRequest(u *User, req StateRequest, forced bool) error {
	switch {
	case req.State == "":
		return refuse(ErrParameterMissing, "state", "State Parameter missing")
	case !requestable(req.State):
		return refuse(ErrInvalidInput, "state", "Invalid State specified for user")
	case forced && !supervisorRequestable(req.State):
		return refuse(ErrInvalidState, "state", "a supervisor may only set READY, NOT_READY or LOGOUT")
	}
	if req.State == model.StateLogin {
		if req.Extension == "" {
			return refuse(ErrParameterMissing, "extension", "Extension Parameter missing")
		}
		if !directory.IsDialString(req.Extension) {
			return refuse(ErrBadRequest, "extension", "the extension is not a dial string")
		}
	}
	if err := checkMobileRequest(req); err != nil {
		return err
	}
	return e.checkReason(u, req, forced)
}

func (e *Engine) checkReason(u *User, req StateRequest, forced bool) error {
	category, takesReason := reasonCategory(req.State)
	switch {
	case req.ReasonCodeID == "" && (forced || !takesReason):
		return nil
	case req.ReasonCodeID != "" && forced:
		return refuse(ErrInvalidInput, "reasonCodeId", "a supervisor may not give a reason code")
	case req.ReasonCodeID != "" && !takesReason:
		return refuse(ErrInvalidInput, "reasonCodeId", "no reason code applies to state "+string(req.State))
	case req.ReasonCodeID == "":
		if e.hasReasonCodes(u, category) {
			// Real Finesse's body for it: its message key as ErrorData.
			return refuse(ErrParameterMissing, "finesse.api.reasoncode.require_reasoncode", "The state change requires a valid reason code.")
		}
		return nil
	}
	rc, ok := e.usableCode(req.ReasonCodeID, teamID(u))
	if !ok {
		// Perhaps created on the other node a moment ago.
		e.refreshCodes(context.Background())
		rc, ok = e.usableCode(req.ReasonCodeID, teamID(u))
	}
	if !ok || rc.Category != category {
		return refuse(ErrInvalidInput, "reasonCodeId", "no "+string(category)+" reason code "+req.ReasonCodeID+" for this user")
	}
	return nil
}

// hasReasonCodes reports whether u may give a code of category, in which
// case it must. Directory.ReasonCodes cannot tell: for a user on no team
// its team "" would mean every code, team-limited ones included, which
// such a user could then neither give nor leave out.
func (e *Engine) hasReasonCodes(u *User, category model.ReasonCategory) bool {
	if team := teamID(u); team != "" {
		return len(e.listCodes(category, team)) > 0
	}
	return slices.ContainsFunc(e.listCodes(category, ""), func(rc model.ReasonCode) bool { return rc.ForAll })
}

func requestable(s model.AgentState) bool {
	switch s {
	case model.StateLogin, model.StateLogout, model.StateReady, model.StateNotReady, model.StateWork, model.StateWorkReady:
		return true
	}
	return false
}

func supervisorRequestable(s model.AgentState) bool {
	return s == model.StateReady || s == model.StateNotReady || s == model.StateLogout
}

func reasonCategory(s model.AgentState) (model.ReasonCategory, bool) {
	switch s {
	case model.StateNotReady:
		return model.CategoryNotReady, true
	case model.StateLogout:
		return model.CategoryLogout, true
	}
	return "", false
}

func teamID(u *User) string {
	if u.Team == nil {
		return ""
	}
	return u.Team.ID
}
