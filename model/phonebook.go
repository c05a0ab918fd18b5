package model

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// PhoneBookType says who sees a phone book.
type PhoneBookType string

// The phone book types.
const (
	PhoneBookGlobal PhoneBookType = "GLOBAL"
	PhoneBookTeam   PhoneBookType = "TEAM"
)

// PhoneBook is a named list of contacts.
type PhoneBook struct {
	ID       string
	Name     string
	Type     PhoneBookType
	Contacts []Contact
}

// URI is the resource address of the phone book.
func (p PhoneBook) URI() string { return "/finesse/api/PhoneBook/" + p.ID }

// Element renders p as <PhoneBook>, with its contacts' address in <contacts>.
func (p PhoneBook) Element() *etree.Element {
	el := etree.NewElement("PhoneBook")
	addText(el, "contacts", p.URI()+"/Contacts")
	addText(el, "name", p.Name)
	addText(el, "type", string(p.Type))
	addText(el, "uri", p.URI())
	return el
}

// PhoneBooksElement renders a <PhoneBooks> list.
func PhoneBooksElement(books []PhoneBook) *etree.Element {
	el := etree.NewElement("PhoneBooks")
	for _, b := range books {
		el.AddChild(b.Element())
	}
	return el
}

// Contact is one entry of a phone book.
type Contact struct {
	ID          string
	PhoneBookID string
	FirstName   string
	LastName    string
	PhoneNumber string
	Description string
}

// URI is the resource address of the contact.
func (c Contact) URI() string {
	return "/finesse/api/PhoneBook/" + c.PhoneBookID + "/Contact/" + c.ID
}

// Element renders c as <Contact>.
func (c Contact) Element() *etree.Element {
	el := etree.NewElement("Contact")
	addText(el, "description", c.Description)
	addText(el, "firstName", c.FirstName)
	addText(el, "lastName", c.LastName)
	addText(el, "phoneNumber", c.PhoneNumber)
	addText(el, "uri", c.URI())
	return el
}

// ContactsElement renders a <Contacts> list.
func ContactsElement(contacts []Contact) *etree.Element {
	el := etree.NewElement("Contacts")
	for _, c := range contacts {
		el.AddChild(c.Element())
	}
	return el
}

// ParsePhoneBook reads a <PhoneBook>, whose id is only in its uri. Contacts
// stays nil: the element only links to them.
func ParsePhoneBook(el *etree.Element) (PhoneBook, error) {
	return PhoneBook{
		ID:   lastSegment(childText(el, "uri")),
		Name: childText(el, "name"),
		Type: PhoneBookType(childText(el, "type")),
	}, nil
}

// ParseContact reads a <Contact>; both ids come from its uri,
// /finesse/api/PhoneBook/{PhoneBookID}/Contact/{ID}.
func ParseContact(el *etree.Element) (Contact, error) {
	c := Contact{
		FirstName:   childText(el, "firstName"),
		LastName:    childText(el, "lastName"),
		PhoneNumber: childText(el, "phoneNumber"),
		Description: childText(el, "description"),
	}
	uri := childText(el, "uri")
	if uri == "" {
		return c, nil
	}
	rest, okBook := strings.CutPrefix(uri, "/finesse/api/PhoneBook/")
	book, id, okContact := strings.Cut(rest, "/Contact/")
	if !okBook || !okContact {
		return Contact{}, fmt.Errorf("parse Contact: uri %q is not /finesse/api/PhoneBook/{id}/Contact/{id}", uri)
	}
	c.PhoneBookID, c.ID = book, id
	return c, nil
}
