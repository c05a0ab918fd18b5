package model

import (
	"fmt"
	"strconv"
	"time"

	"github.com/beevik/etree"
)

// SimCampaign is an outbound campaign of the simulator's API
// (/acd/Campaigns): what a POST asks for and what a GET shows.
type SimCampaign struct {
	ID                string
	Name              string
	Mode              string
	Queue             string
	Ratio             float64
	PersonalCallbacks bool
	MaxAttempts       int
	Created, Stopped  time.Time
	Contacts          []SimContact
}

// SimContact is one contact of a SimCampaign and, in a GET, its fate.
type SimContact struct {
	ID                                                        string
	PhoneNumber, FirstName, LastName, AccountNumber, TimeZone string

	Status, Agent, DialogID, CallID, Classification string
	Attempts                                        int
	CallbackTime                                    time.Time
	CallbackNumber                                  string
}

// SimCampaignURI is the simulator's URI of campaign id.
func SimCampaignURI(id string) string { return "/acd/Campaign/" + id }

// ParseSimCampaignRequest reads a <Campaign> POST body.
func ParseSimCampaignRequest(body []byte) (SimCampaign, error) {
	root, err := ParseRoot(body, "Campaign")
	if err != nil {
		return SimCampaign{}, fmt.Errorf("parse Campaign request: %w", err)
	}
	c := SimCampaign{Name: childText(root, "name"), Mode: childText(root, "mode"), Queue: childText(root, "queue")}
	if v := childText(root, "ratio"); v != "" {
		if c.Ratio, err = strconv.ParseFloat(v, 64); err != nil {
			return SimCampaign{}, fmt.Errorf("parse Campaign request: ratio %q is not a number", v)
		}
	}
	if v := childText(root, "maxAttempts"); v != "" {
		if c.MaxAttempts, err = strconv.Atoi(v); err != nil {
			return SimCampaign{}, fmt.Errorf("parse Campaign request: maxAttempts %q is not a whole number", v)
		}
	}
	if v := childText(root, "personalCallbacks"); v != "" {
		if c.PersonalCallbacks, err = strconv.ParseBool(v); err != nil {
			return SimCampaign{}, fmt.Errorf("parse Campaign request: personalCallbacks %q is not true or false", v)
		}
	}
	if list := root.SelectElement("contacts"); list != nil {
		for _, k := range list.SelectElements("Contact") {
			c.Contacts = append(c.Contacts, SimContact{
				PhoneNumber: childText(k, "phoneNumber"), FirstName: childText(k, "firstName"),
				LastName: childText(k, "lastName"), AccountNumber: childText(k, "accountNumber"),
				TimeZone: childText(k, "timeZone"),
			})
		}
	}
	return c, nil
}

// Element renders c as <Campaign>, with its contacts when it has them.
func (c SimCampaign) Element() *etree.Element {
	el := etree.NewElement("Campaign")
	addText(el, "id", c.ID)
	addText(el, "name", c.Name)
	addText(el, "mode", c.Mode)
	addText(el, "queue", c.Queue)
	addText(el, "ratio", strconv.FormatFloat(c.Ratio, 'f', -1, 64))
	addBool(el, "personalCallbacks", c.PersonalCallbacks)
	addText(el, "maxAttempts", strconv.Itoa(c.MaxAttempts))
	state := "ACTIVE"
	if !c.Stopped.IsZero() {
		state = "STOPPED"
	}
	addText(el, "state", state)
	addText(el, "created", FormatTime(c.Created))
	addText(el, "stopped", FormatTime(c.Stopped))
	addText(el, "uri", SimCampaignURI(c.ID))
	if c.Contacts != nil {
		list := el.CreateElement("contacts")
		for _, k := range c.Contacts {
			list.AddChild(k.Element())
		}
	}
	return el
}

// Element renders k as <Contact>.
func (k SimContact) Element() *etree.Element {
	el := etree.NewElement("Contact")
	addText(el, "id", k.ID)
	addText(el, "phoneNumber", k.PhoneNumber)
	addText(el, "firstName", k.FirstName)
	addText(el, "lastName", k.LastName)
	addText(el, "accountNumber", k.AccountNumber)
	addText(el, "timeZone", k.TimeZone)
	addText(el, "status", k.Status)
	addText(el, "attempts", strconv.Itoa(k.Attempts))
	addText(el, "agent", k.Agent)
	addText(el, "dialogId", k.DialogID)
	addText(el, "callId", k.CallID)
	addText(el, "classification", k.Classification)
	addText(el, "callbackTime", FormatTime(k.CallbackTime))
	addText(el, "callbackNumber", k.CallbackNumber)
	return el
}

// SimCampaignsElement renders a <Campaigns> list.
func SimCampaignsElement(campaigns []SimCampaign) *etree.Element {
	el := etree.NewElement("Campaigns")
	for _, c := range campaigns {
		el.AddChild(c.Element())
	}
	return el
}
