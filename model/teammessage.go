package model

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// TeamMessage is a supervisor's broadcast to its teams' desktops.
type TeamMessage struct {
	ID                                    string
	CreatedByID                           string
	CreatedByFirstName, CreatedByLastName string
	CreatedAt                             time.Time
	Duration                              time.Duration
	Content                               string
	Teams                                 []string
}

// TeamMessageURI is where team message id is read and deleted.
func TeamMessageURI(id string) string { return "/finesse/api/TeamMessage/" + id }

// TeamMessageNode is where team id's desktops are told of its messages.
func TeamMessageNode(team string) string { return TeamURI(team) + "/TeamMessages" }

// URI is m's resource.
func (m TeamMessage) URI() string { return TeamMessageURI(m.ID) }

// Element renders m as Finesse does: createdAt in epoch seconds, duration
// in seconds.
func (m TeamMessage) Element() *etree.Element {
	el := etree.NewElement("TeamMessage")
	addText(el, "content", m.Content)
	addText(el, "createdAt", strconv.FormatInt(m.CreatedAt.Unix(), 10))
	by := el.CreateElement("createdBy")
	addText(by, "firstName", m.CreatedByFirstName)
	addText(by, "id", m.CreatedByID)
	addText(by, "lastName", m.CreatedByLastName)
	addText(el, "duration", strconv.Itoa(int(m.Duration/time.Second)))
	addText(el, "id", m.ID)
	teams := el.CreateElement("teams")
	for _, t := range m.Teams {
		addText(teams, "team", t)
	}
	addText(el, "uri", m.URI())
	return el
}

// TeamMessagesElement lists messages.
func TeamMessagesElement(ms []TeamMessage) *etree.Element {
	el := etree.NewElement("TeamMessages")
	for _, m := range ms {
		el.AddChild(m.Element())
	}
	return el
}

// TeamMessageRequest is the body of POST /finesse/api/TeamMessage.
type TeamMessageRequest struct {
	Duration time.Duration
	Content  string
	Teams    []string
}

// ParseTeamMessageRequest reads a <TeamMessage> to send: duration in
// seconds, content, and the teams as <teams><team>id</team>...</teams>.
func ParseTeamMessageRequest(body []byte) (TeamMessageRequest, error) {
	root, err := ParseRoot(body, "TeamMessage")
	if err != nil {
		return TeamMessageRequest{}, fmt.Errorf("parse TeamMessage: %w", err)
	}
	r := TeamMessageRequest{Content: childText(root, "content")}
	if d := childText(root, "duration"); d != "" {
		secs, err := strconv.Atoi(d)
		if err != nil || len(d) > 9 { // nine digits is three decades: no overflow below

			return TeamMessageRequest{}, fmt.Errorf("parse TeamMessage: %w: duration %q is not a number of seconds", ErrMalformed, d)
		}
		r.Duration = time.Duration(secs) * time.Second
	}
	if teams := root.SelectElement("teams"); teams != nil {
		for _, t := range teams.SelectElements("team") {
			r.Teams = append(r.Teams, t.Text())
		}
	}
	return r, nil
}
