package model

import (
	"fmt"
	"time"

	"github.com/beevik/etree"
)

// TeamURI is the resource address of team id.
func TeamURI(id string) string { return "/finesse/api/Team/" + id }

// TeamUsersNode is the pubsub node that carries a team's member changes.
func TeamUsersNode(id string) string { return TeamURI(id) + "/Users" }

// Team is a team with, when Users is not nil, the summary state of its members.
type Team struct {
	ID    string
	Name  string
	Users []TeamUser
}

// TeamUser is the summary of a member that a Team carries.
type TeamUser struct {
	ID              string
	FirstName       string
	LastName        string
	Extension       string
	State           AgentState
	PendingState    AgentState
	StateChangeTime time.Time
	ReasonCode      *ReasonCode
}

// Element renders t as <Team>; users are included when t.Users is not nil.
func (t Team) Element() *etree.Element {
	el := etree.NewElement("Team")
	addText(el, "id", t.ID)
	addText(el, "name", t.Name)
	addText(el, "uri", TeamURI(t.ID))
	if t.Users != nil {
		users := el.CreateElement("users")
		for _, u := range t.Users {
			users.AddChild(u.Element())
		}
	}
	return el
}

// Element renders u as a <User> summary.
func (u TeamUser) Element() *etree.Element {
	el := etree.NewElement("User")
	uri := "/finesse/api/User/" + u.ID
	addText(el, "dialogs", uri+"/Dialogs")
	addText(el, "extension", u.Extension)
	addText(el, "firstName", u.FirstName)
	addText(el, "lastName", u.LastName)
	addText(el, "loginId", u.ID)
	addText(el, "pendingState", string(u.PendingState))
	if u.ReasonCode != nil {
		el.AddChild(u.ReasonCode.Element("reasonCode"))
	}
	addText(el, "state", string(u.State))
	addText(el, "stateChangeTime", FormatTime(u.StateChangeTime))
	addText(el, "uri", uri)
	return el
}

// TeamsElement renders a <Teams> list.
func TeamsElement(teams []Team) *etree.Element {
	el := etree.NewElement("Teams")
	for _, t := range teams {
		el.AddChild(t.Element())
	}
	return el
}

// ParseTeam reads a <Team>. Users stays nil without a <users> child, so that
// a Team read back renders as it was.
func ParseTeam(el *etree.Element) (Team, error) {
	t := Team{ID: childText(el, "id"), Name: childText(el, "name")}
	users := el.SelectElement("users")
	if users == nil {
		return t, nil
	}
	t.Users = []TeamUser{}
	for _, ue := range users.SelectElements("User") {
		u, err := parseTeamUser(ue)
		if err != nil {
			return Team{}, fmt.Errorf("parse Team %s: %w", t.ID, err)
		}
		t.Users = append(t.Users, u)
	}
	return t, nil
}

// parseTeamUser reads the <User> summary inside a Team's <users>.
func parseTeamUser(el *etree.Element) (TeamUser, error) {
	r := fieldReader{el: el}
	u := TeamUser{
		ID:              r.text("loginId"),
		FirstName:       r.text("firstName"),
		LastName:        r.text("lastName"),
		Extension:       r.text("extension"),
		State:           AgentState(r.text("state")),
		PendingState:    AgentState(r.text("pendingState")),
		StateChangeTime: r.timestamp("stateChangeTime", TimeLayout),
	}
	if r.err != nil {
		return TeamUser{}, fmt.Errorf("user %s: %w", u.ID, r.err)
	}
	if rce := el.SelectElement("reasonCode"); rce != nil {
		rc, err := ParseReasonCode(rce)
		if err != nil {
			return TeamUser{}, fmt.Errorf("user %s: %w", u.ID, err)
		}
		u.ReasonCode = &rc
	}
	return u, nil
}
