package acd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/finessed/finessed/model"
)

// PhoneBookRecord is an administrator's phone book, or its version or
// deletion of a configured one, with every contact: kept in the Store like
// reason codes, so both nodes serve the same books.
type PhoneBookRecord struct {
	Book    model.PhoneBook
	Teams   []string
	Deleted bool
}

// Clone is a copy of r sharing no slice with it.
func (r PhoneBookRecord) Clone() PhoneBookRecord {
	r.Book.Contacts = slices.Clone(r.Book.Contacts)
	r.Teams = slices.Clone(r.Teams)
	return r
}

// Finesse's bounds on phone books (developer guide, PhoneBook and Contact):
// 10 global and 300 team books, 6,000 contacts a book, 50,000 in all;
// names of 128 characters, numbers of 32.
const (
	maxGlobalBooks   = 10
	maxTeamBooks     = 300
	maxBookContacts  = 6000
	maxContacts      = 50000
	maxContactField  = 128
	maxContactNumber = 32
)

func (e *Engine) refreshBooks(ctx context.Context) {
	records, err := e.store.PhoneBookRecords(ctx)
	if err != nil {
		slog.Error("read phone books", "err", err)
		return
	}
	e.books.set(records)
}

// PhoneBooks lists the books team may use ("" for every one): the
// configured ones as administrators left them, then theirs, by id.
func (e *Engine) PhoneBooks(ctx context.Context, team string) []model.PhoneBook {
	e.refreshBooks(ctx)
	var out []model.PhoneBook
	for _, r := range e.liveBooks() {
		if team == "" || r.Book.Type == model.PhoneBookGlobal || slices.Contains(r.Teams, team) {
			out = append(out, r.Book)
		}
	}
	return out
}

// PhoneBook is book id, with its contacts, as every node now knows it.
func (e *Engine) PhoneBook(ctx context.Context, id string) (model.PhoneBook, bool) {
	e.refreshBooks(ctx)
	i := slices.IndexFunc(e.liveBooks(), func(r PhoneBookRecord) bool { return r.Book.ID == id })
	if i < 0 {
		return model.PhoneBook{}, false
	}
	return e.liveBooks()[i].Book, true
}

// liveBooks is every book not deleted, as this node's copy has them.
func (e *Engine) liveBooks() []PhoneBookRecord {
	var out []PhoneBookRecord
	for _, b := range e.dir.PhoneBooks("") {
		if r, ok := e.books.get(b.ID); ok {
			if !r.Deleted {
				out = append(out, r)
			}
			continue
		}
		out = append(out, PhoneBookRecord{Book: b, Teams: e.configuredBookTeams(b)})
	}
	for _, r := range e.books.all() {
		if _, configured := e.dir.PhoneBook(r.Book.ID); !configured && !r.Deleted {
			out = append(out, r)
		}
	}
	return out
}

func (e *Engine) configuredBookTeams(b model.PhoneBook) []string {
	if b.Type == model.PhoneBookGlobal {
		return nil
	}
	var out []string
	for _, t := range e.dir.Teams() {
		if slices.ContainsFunc(e.dir.PhoneBooks(t.ID), func(o model.PhoneBook) bool { return o.ID == b.ID }) {
			out = append(out, t.ID)
		}
	}
	return out
}

// currentBook reads book id as the Store has it now.
func (e *Engine) currentBook(tx Tx, id string) (PhoneBookRecord, error) {
	r, found, err := tx.PhoneBookRecord(id)
	if err != nil {
		return r, err
	}
	if !found {
		b, ok := e.dir.PhoneBook(id)
		if !ok {
			return r, refuse(ErrNotFound, id, "no such phone book")
		}
		r = PhoneBookRecord{Book: b, Teams: e.configuredBookTeams(b)}
	}
	if r.Deleted {
		return r, refuse(ErrNotFound, id, "no such phone book")
	}
	return r, nil
}

// booksIn is every live book as tx reads them.
func (e *Engine) booksIn(tx Tx) ([]PhoneBookRecord, error) {
	var out []PhoneBookRecord
	for _, b := range e.liveBooks() {
		r, err := e.currentBook(tx, b.Book.ID)
		if err == nil {
			out = append(out, r)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

// PhoneBookRequest is a POST or PUT of a PhoneBook.
type PhoneBookRequest struct {
	Name string
	Type model.PhoneBookType
}

// CreatePhoneBook adds an empty phone book; it returns its id.
func (e *Engine) CreatePhoneBook(ctx context.Context, actor *User, req PhoneBookRequest) (string, error) {
	var id string
	err := e.changeConfig(ctx, actor, "phonebooks", e.refreshBooks, func(tx Tx) error {
		if err := e.checkBookRequest(tx, "", req); err != nil {
			return err
		}
		n, err := tx.NextID("phonebook")
		for err == nil {
			if _, taken := e.dir.PhoneBook(n); !taken {
				break
			}
			n, err = tx.NextID("phonebook")
		}
		id = n
		tx.PutPhoneBookRecord(PhoneBookRecord{Book: model.PhoneBook{ID: n, Name: req.Name, Type: req.Type}})
		return err
	})
	return id, err
}

// UpdatePhoneBook renames book id or changes its type, keeping its contacts.
func (e *Engine) UpdatePhoneBook(ctx context.Context, actor *User, id string, req PhoneBookRequest) error {
	return e.changeConfig(ctx, actor, "phonebooks", e.refreshBooks, func(tx Tx) error {
		r, err := e.currentBook(tx, id)
		if err != nil {
			return err
		}
		if err := e.checkBookRequest(tx, id, req); err != nil {
			return err
		}
		r.Book.Name, r.Book.Type = req.Name, req.Type
		tx.PutPhoneBookRecord(r)
		return nil
	})
}

// DeletePhoneBook deletes book id with its contacts.
func (e *Engine) DeletePhoneBook(ctx context.Context, actor *User, id string) error {
	return e.changeConfig(ctx, actor, "phonebooks", e.refreshBooks, func(tx Tx) error {
		r, err := e.currentBook(tx, id)
		if err != nil {
			return err
		}
		r.Deleted, r.Book.Contacts = true, nil
		tx.PutPhoneBookRecord(r)
		return nil
	})
}

func (e *Engine) checkBookRequest(tx Tx, id string, req PhoneBookRequest) error {
	switch {
	case req.Name == "":
		return refuse(ErrParameterMissing, "name", "name is required")
	case utf8.RuneCountInString(req.Name) > maxContactField:
		return refuse(ErrInvalidInput, "name", "name holds at most 128 characters")
	case req.Type != model.PhoneBookGlobal && req.Type != model.PhoneBookTeam:
		return refuse(ErrInvalidInput, "type", "type is GLOBAL or TEAM")
	}
	books, err := e.booksIn(tx)
	if err != nil {
		return err
	}
	same := 0
	for _, r := range books {
		if r.Book.ID == id {
			continue
		}
		if r.Book.Name == req.Name {
			return refuse(ErrDuplicate, "name", "a phone book is named "+req.Name)
		}
		if r.Book.Type == req.Type {
			same++
		}
	}
	if (req.Type == model.PhoneBookGlobal && same >= maxGlobalBooks) || (req.Type == model.PhoneBookTeam && same >= maxTeamBooks) {
		return refuse(ErrMaximumExceeded, "type", "at most 10 global and 300 team phone books")
	}
	return nil
}

// ContactFields are a phone book contact as an administrator gives it.
type ContactFields struct {
	FirstName, LastName, PhoneNumber, Description string
}

func checkContactFields(c ContactFields) error {
	switch {
	case c.PhoneNumber == "":
		return refuse(ErrParameterMissing, "phoneNumber", "phoneNumber is required")
	case utf8.RuneCountInString(c.PhoneNumber) > maxContactNumber:
		return refuse(ErrInvalidInput, "phoneNumber", "phoneNumber holds at most 32 characters")
	case utf8.RuneCountInString(c.FirstName) > maxContactField, utf8.RuneCountInString(c.LastName) > maxContactField,
		utf8.RuneCountInString(c.Description) > maxContactField:
		return refuse(ErrInvalidInput, "contact", "names and descriptions hold at most 128 characters")
	}
	return nil
}

// SetContacts puts contacts into book id: one added (replace false, its id
// returned), one changed (contactID set), or the whole list replaced by an
// import. The bounds of a book and of the deployment hold after.
func (e *Engine) SetContacts(ctx context.Context, actor *User, id, contactID string, replace bool, contacts []ContactFields) (string, error) {
	if !replace && contactID == "" && len(contacts) != 1 {
		return "", refuse(ErrParameterMissing, "Contact", "one contact to add")
	}
	for i, c := range contacts {
		if err := checkContactFields(c); err != nil {
			var re *RequestError
			if errors.As(err, &re) && replace {
				re.Field = fmt.Sprintf("line %d: %s", i+1, re.Field)
			}
			return "", err
		}
	}
	var newID string
	err := e.changeConfig(ctx, actor, "phonebooks", e.refreshBooks, func(tx Tx) error {
		r, err := e.currentBook(tx, id)
		if err != nil {
			return err
		}
		list, added, err := editContacts(r.Book, contactID, replace, contacts)
		if err != nil {
			return err
		}
		newID = added
		if err := e.checkContactTotals(tx, id, len(list)); err != nil {
			return err
		}
		r.Book.Contacts = list
		tx.PutPhoneBookRecord(r)
		return nil
	})
	return newID, err
}

// editContacts is book's contact list after the change, and the id of a
// contact it added.
func editContacts(book model.PhoneBook, contactID string, replace bool, contacts []ContactFields) ([]model.Contact, string, error) {
	next := 1
	for _, c := range book.Contacts {
		if n, err := strconv.Atoi(c.ID); err == nil && n >= next {
			next = n + 1
		}
	}
	make1 := func(f ContactFields, id string) model.Contact {
		return model.Contact{ID: id, PhoneBookID: book.ID, FirstName: f.FirstName, LastName: f.LastName, PhoneNumber: f.PhoneNumber, Description: f.Description}
	}
	switch {
	case replace:
		out := make([]model.Contact, 0, len(contacts))
		for i, f := range contacts {
			out = append(out, make1(f, strconv.Itoa(i+1)))
		}
		return out, "", nil
	case contactID == "":
		id := strconv.Itoa(next)
		return append(slices.Clone(book.Contacts), make1(contacts[0], id)), id, nil
	}
	i := slices.IndexFunc(book.Contacts, func(c model.Contact) bool { return c.ID == contactID })
	if i < 0 {
		return nil, "", refuse(ErrNotFound, contactID, "no such contact")
	}
	out := slices.Clone(book.Contacts)
	if len(contacts) == 0 {
		return slices.Delete(out, i, i+1), "", nil
	}
	out[i] = make1(contacts[0], contactID)
	return out, "", nil
}

func (e *Engine) checkContactTotals(tx Tx, id string, n int) error {
	if n > maxBookContacts {
		return refuse(ErrMaximumExceeded, "contacts", "a phone book holds at most 6,000 contacts")
	}
	books, err := e.booksIn(tx)
	if err != nil {
		return err
	}
	total := n
	for _, r := range books {
		if r.Book.ID != id {
			total += len(r.Book.Contacts)
		}
	}
	if total > maxContacts {
		return refuse(ErrMaximumExceeded, "contacts", "the deployment holds at most 50,000 contacts")
	}
	return nil
}

// AssignPhoneBooks makes ids the TEAM books team's agents may use: each
// named gains the team, each other loses it.
func (e *Engine) AssignPhoneBooks(ctx context.Context, actor *User, team string, ids []string) error {
	if err := e.mayAssign(actor, team); err != nil {
		return err
	}
	return e.changeConfig(ctx, actor, "phonebooks", e.refreshBooks, func(tx Tx) error {
		books, err := e.booksIn(tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if !slices.ContainsFunc(books, func(r PhoneBookRecord) bool { return r.Book.ID == id && r.Book.Type == model.PhoneBookTeam }) {
				return refuse(ErrInvalidInput, id, "phone book "+id+" is no TEAM book")
			}
		}
		for _, r := range books {
			if r.Book.Type != model.PhoneBookTeam {
				continue
			}
			if teams, changed := assigned(r.Teams, team, slices.Contains(ids, r.Book.ID)); changed {
				r.Teams = teams
				tx.PutPhoneBookRecord(r)
			}
		}
		return nil
	})
}
