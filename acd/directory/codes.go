package directory

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/finessed/finessed/model"
)

func (d *Directory) addReasons(cfg Config) error {
	for _, rc := range cfg.Reasons {
		if _, err := strconv.Atoi(rc.ID); err != nil || d.reasons[rc.ID].ID != "" {
			return fmt.Errorf("reason code %q: id must be a number and unique", rc.ID)
		}
		if rc.Category != model.CategoryNotReady && rc.Category != model.CategoryLogout {
			return fmt.Errorf("reason code %s: category %q is neither NOT_READY nor LOGOUT", rc.ID, rc.Category)
		}
		if rc.Code < 1 || rc.Code > 65535 {
			return fmt.Errorf("reason code %s: code %d is outside 1..65535", rc.ID, rc.Code)
		}
		if err := d.knownTeams(rc.Teams); err != nil {
			return fmt.Errorf("reason code %s: %w", rc.ID, err)
		}
		d.reasons[rc.ID] = model.ReasonCode{ID: rc.ID, Category: rc.Category, Code: rc.Code, Label: rc.Label, ForAll: len(rc.Teams) == 0}
		d.reasonTeams[rc.ID] = rc.Teams
		d.reasonOrder = append(d.reasonOrder, rc.ID)
	}
	return nil
}

func (d *Directory) addWrapUps(cfg Config) error {
	for _, wc := range cfg.WrapUps {
		if wc.ID == "" || wc.Label == "" {
			return fmt.Errorf("wrap-up reason %q: id and label are required", wc.ID)
		}
		if err := d.knownTeams(wc.Teams); err != nil {
			return fmt.Errorf("wrap-up reason %s: %w", wc.ID, err)
		}
		d.wrapUps = append(d.wrapUps, wrapUp{model.WrapUpReason{ID: wc.ID, Label: wc.Label, ForAll: len(wc.Teams) == 0}, wc.Teams})
	}
	return nil
}

func (d *Directory) addBooks(cfg Config) error {
	for _, bc := range cfg.PhoneBooks {
		if bc.ID == "" {
			return fmt.Errorf("phone book %q: id is required", bc.Name)
		}
		if err := d.knownTeams(bc.Teams); err != nil {
			return fmt.Errorf("phone book %s: %w", bc.ID, err)
		}
		book := model.PhoneBook{ID: bc.ID, Name: bc.Name, Type: model.PhoneBookGlobal}
		if len(bc.Teams) > 0 {
			book.Type = model.PhoneBookTeam
		}
		for i, c := range bc.Contacts {
			book.Contacts = append(book.Contacts, model.Contact{
				ID: strconv.Itoa(i + 1), PhoneBookID: bc.ID, FirstName: c.FirstName,
				LastName: c.LastName, PhoneNumber: c.PhoneNumber, Description: c.Description,
			})
		}
		d.books = append(d.books, phoneBook{book, bc.Teams})
	}
	return nil
}

func (d *Directory) knownTeams(ids []string) error {
	for _, id := range ids {
		if d.teams[id] == nil {
			return fmt.Errorf("unknown team %q", id)
		}
	}
	return nil
}

// forTeam reports whether a resource limited to teams is visible to team
// (an empty list means every team).
func forTeam(teams []string, team string) bool {
	return len(teams) == 0 || slices.Contains(teams, team)
}

// ReasonCodeFor reports whether a member of team may give rc (a code
// limited to some teams, or open to all).
func (d *Directory) ReasonCodeFor(rc model.ReasonCode, team string) bool {
	return forTeam(d.reasonTeams[rc.ID], team)
}

// ReasonCode finds a configured reason code by id.
func (d *Directory) ReasonCode(id string) (model.ReasonCode, bool) {
	rc, ok := d.reasons[id]
	return rc, ok
}

// ReasonCodes lists the configured codes of category ("" for both) that team
// may use ("" for every code).
func (d *Directory) ReasonCodes(category model.ReasonCategory, team string) []model.ReasonCode {
	var out []model.ReasonCode
	for _, id := range d.reasonOrder {
		rc := d.reasons[id]
		if category != "" && rc.Category != category {
			continue
		}
		if team != "" && !forTeam(d.reasonTeams[id], team) {
			continue
		}
		out = append(out, rc)
	}
	return out
}

// WrapUpReason finds a wrap-up reason by id.
func (d *Directory) WrapUpReason(id string) (model.WrapUpReason, bool) {
	for _, w := range d.wrapUps {
		if w.reason.ID == id {
			return w.reason, true
		}
	}
	return model.WrapUpReason{}, false
}

// WrapUpReasons lists the wrap-up reasons team may use ("" for all).
func (d *Directory) WrapUpReasons(team string) []model.WrapUpReason {
	var out []model.WrapUpReason
	for _, w := range d.wrapUps {
		if team == "" || forTeam(w.teams, team) {
			out = append(out, w.reason)
		}
	}
	return out
}

// PhoneBook finds a phone book, with its contacts, by id.
func (d *Directory) PhoneBook(id string) (model.PhoneBook, bool) {
	for _, b := range d.books {
		if b.book.ID == id {
			return b.book, true
		}
	}
	return model.PhoneBook{}, false
}

// PhoneBooks lists the phone books team may use ("" for all).
func (d *Directory) PhoneBooks(team string) []model.PhoneBook {
	var out []model.PhoneBook
	for _, b := range d.books {
		if team == "" || forTeam(b.teams, team) {
			out = append(out, b.book)
		}
	}
	return out
}
