package model

import (
	"time"

	"github.com/beevik/etree"
)

// User is an agent, supervisor or administrator with its live agent state.
type User struct {
	ID              string // loginId: the agent id (peripheral number)
	LoginName       string
	FirstName       string
	LastName        string
	Roles           []Role
	State           AgentState
	StateChangeTime time.Time
	PendingState    AgentState
	// ReasonCodeID is "" when no reason applies (READY), "-1" when a reason
	// applies but none was given, or the reason code's id.
	ReasonCodeID string
	ReasonCode   *ReasonCode // the code behind ReasonCodeID, when known
	Extension    string
	MediaType    string
	MobileAgent  *MobileAgent // only for a mobile agent signed in as one
	TeamID       string
	TeamName     string
	Teams        []TeamRef // the teams a supervisor supervises
	Settings     UserSettings
	WrapUpTimer  int // seconds before wrap-up ends by itself; 0 = not sent
}

// UserSettings are the per-user desk settings Finesse reports.
type UserSettings struct {
	WrapUpOnIncoming WrapUpMode
	WrapUpOnOutgoing WrapUpMode
}

// TeamRef names a team inside a User's <teams>.
type TeamRef struct {
	ID   string
	Name string
}

// URI is the resource address of the user.
func (u User) URI() string { return UserURIPrefix + u.ID }

// UserURIPrefix begins the URI of every user and of its sub-resources.
const UserURIPrefix = "/finesse/api/User/"

// DialogsURI is the address of the user's Dialogs collection.
func (u User) DialogsURI() string { return u.URI() + "/Dialogs" }

// HasRole reports whether u holds role r.
func (u User) HasRole(r Role) bool {
	for _, have := range u.Roles {
		if have == r {
			return true
		}
	}
	return false
}

// Element renders u as <root>: User in REST bodies, user inside an Update.
func (u User) Element(root string) *etree.Element {
	el := etree.NewElement(root)
	addText(el, "dialogs", u.DialogsURI())
	addText(el, "extension", u.Extension)
	addText(el, "firstName", u.FirstName)
	addText(el, "lastName", u.LastName)
	addText(el, "loginId", u.ID)
	addText(el, "loginName", u.LoginName)
	addText(el, "mediaType", u.MediaType)
	if u.MobileAgent != nil {
		el.AddChild(u.MobileAgent.element())
	}
	addText(el, "pendingState", string(u.PendingState))
	if u.ReasonCode != nil {
		el.AddChild(u.ReasonCode.Element("ReasonCode"))
	}
	if u.ReasonCodeID != "" {
		addText(el, "reasonCodeId", u.ReasonCodeID)
	}
	roles := el.CreateElement("roles")
	for _, r := range u.Roles {
		addText(roles, "role", string(r))
	}
	settings := el.CreateElement("settings")
	if u.Settings.WrapUpOnIncoming != "" {
		addText(settings, "wrapUpOnIncoming", string(u.Settings.WrapUpOnIncoming))
	}
	if u.Settings.WrapUpOnOutgoing != "" {
		addText(settings, "wrapUpOnOutgoing", string(u.Settings.WrapUpOnOutgoing))
	}
	addText(el, "state", string(u.State))
	addText(el, "stateChangeTime", FormatTime(u.StateChangeTime))
	addText(el, "teamId", u.TeamID)
	addText(el, "teamName", u.TeamName)
	if len(u.Teams) > 0 {
		teams := el.CreateElement("teams")
		for _, t := range u.Teams {
			te := teams.CreateElement("Team")
			addText(te, "id", t.ID)
			addText(te, "name", t.Name)
			addText(te, "uri", TeamURI(t.ID))
		}
	}
	addText(el, "uri", u.URI())
	if u.WrapUpTimer > 0 {
		addInt(el, "wrapUpTimer", u.WrapUpTimer)
	}
	return el
}

// UsersElement renders a <Users> list.
func UsersElement(users []User) *etree.Element {
	el := etree.NewElement("Users")
	for _, u := range users {
		el.AddChild(u.Element("User"))
	}
	return el
}
