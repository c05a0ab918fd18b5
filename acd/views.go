package acd

import (
	"strconv"

	"github.com/finessed/finessed/model"
)

// userView joins a directory user and its live state into the User
// resource Finesse reports.
func (e *Engine) userView(u *User, a Agent) model.User {
	m := model.User{
		ID: u.ID, LoginName: u.LoginName, FirstName: u.FirstName, LastName: u.LastName,
		Roles: u.Roles, State: a.State, StateChangeTime: a.StateChangeTime,
		PendingState: a.PendingState, ReasonCodeID: a.ReasonCodeID,
		ReasonCode: e.reasonCode(a.State, a.ReasonCodeID), Extension: a.Extension,
		MediaType: "1", WrapUpTimer: int(e.dir.Settings.WrapUpTimer.Seconds()),
	}
	if a.Mobile != (model.MobileAgent{}) {
		m.MobileAgent = &a.Mobile
	}
	if u.Team != nil {
		m.TeamID, m.TeamName = u.Team.ID, u.Team.Name
		m.Settings = model.UserSettings{WrapUpOnIncoming: u.Team.WrapUpOnIncoming, WrapUpOnOutgoing: u.Team.WrapUpOnOutgoing}
	}
	for _, t := range u.Supervises {
		m.Teams = append(m.Teams, model.TeamRef{ID: t.ID, Name: t.Name})
	}
	return m
}

// teamUserView is the summary of u that a Team carries.
func (e *Engine) teamUserView(u *User, a Agent) model.TeamUser {
	return model.TeamUser{
		ID: u.ID, FirstName: u.FirstName, LastName: u.LastName, Extension: a.Extension,
		State: a.State, PendingState: a.PendingState, StateChangeTime: a.StateChangeTime,
		ReasonCode: e.reasonCode(a.State, a.ReasonCodeID),
	}
}

// reasonCode is the reason code behind id for an agent in state: a
// configured code, a system code (999, 50002, ...), or nil for none.
func (e *Engine) reasonCode(state model.AgentState, id string) *model.ReasonCode {
	if id == "" || id == "-1" {
		return nil
	}
	if rc, ok := e.reasonCodeByID(id); ok {
		return &rc
	}
	category := model.CategoryNotReady
	if state == model.StateLogout {
		category = model.CategoryLogout
	}
	code, err := strconv.Atoi(id)
	if err != nil {
		return nil
	}
	return &model.ReasonCode{ID: id, Category: category, Code: code, Label: systemReasonLabel(code), SystemCode: true}
}

// systemReasonLabel names the reason codes the phone system itself sets.
func systemReasonLabel(code int) string {
	switch code {
	case 999, 22, 33:
		return "Supervisor Initiated"
	case 255:
		return "Connection Failure"
	case 50002:
		return "CTI Client Failure"
	case 50006:
		return "Placing Outbound Call"
	case 32762:
		return "Off Hook"
	case 32767:
		return "Call Not Answered"
	}
	return "System Reason " + strconv.Itoa(code)
}
