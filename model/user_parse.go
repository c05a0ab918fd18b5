package model

import (
	"fmt"

	"github.com/beevik/etree"
)

// ParseUser reads a User from its element (<User> in REST bodies, <user>
// inside an Update).
func ParseUser(el *etree.Element) (User, error) {
	r := fieldReader{el: el}
	u := User{
		ID:              r.text("loginId"),
		LoginName:       r.text("loginName"),
		FirstName:       r.text("firstName"),
		LastName:        r.text("lastName"),
		State:           AgentState(r.text("state")),
		StateChangeTime: r.timestamp("stateChangeTime", TimeLayout),
		PendingState:    AgentState(r.text("pendingState")),
		ReasonCodeID:    r.text("reasonCodeId"),
		Extension:       r.text("extension"),
		MediaType:       r.text("mediaType"),
		MobileAgent:     parseMobileAgent(el),
		TeamID:          r.text("teamId"),
		TeamName:        r.text("teamName"),
		WrapUpTimer:     r.integer("wrapUpTimer"),
		Settings: UserSettings{
			WrapUpOnIncoming: WrapUpMode(pathText(el, "settings/wrapUpOnIncoming")),
			WrapUpOnOutgoing: WrapUpMode(pathText(el, "settings/wrapUpOnOutgoing")),
		},
	}
	if r.err != nil {
		return User{}, fmt.Errorf("parse User %s: %w", u.ID, r.err)
	}
	for _, role := range el.FindElements("roles/role") {
		u.Roles = append(u.Roles, Role(role.Text()))
	}
	for _, t := range el.FindElements("teams/Team") {
		u.Teams = append(u.Teams, TeamRef{ID: childText(t, "id"), Name: childText(t, "name")})
	}
	if rce := el.SelectElement("ReasonCode"); rce != nil {
		rc, err := ParseReasonCode(rce)
		if err != nil {
			return User{}, fmt.Errorf("parse User %s: %w", u.ID, err)
		}
		u.ReasonCode = &rc
	}
	return u, nil
}
