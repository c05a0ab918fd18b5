package acd_test

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Administrators make phone books and fill them; the other node serves
// them at once; the bounds of names, numbers and counts hold.
func TestPhoneBookAdministration(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	_, other, _ := twoNodes(t, f)
	ctx := context.Background()
	admin := f.user("admin")
	if _, err := f.eng.CreatePhoneBook(ctx, f.user("1001"), acd.PhoneBookRequest{Name: "x", Type: model.PhoneBookGlobal}); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Fatalf("an agent makes a phone book: %v", err)
	}
	id, err := f.eng.CreatePhoneBook(ctx, admin, acd.PhoneBookRequest{Name: "Suppliers", Type: model.PhoneBookGlobal})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.CreatePhoneBook(ctx, admin, acd.PhoneBookRequest{Name: "Suppliers", Type: model.PhoneBookTeam}); !errors.Is(err, acd.ErrDuplicate) {
		t.Fatalf("a taken name: %v", err)
	}
	cid, err := f.eng.SetContacts(ctx, admin, id, "", false, []acd.ContactFields{{FirstName: "Ada", PhoneNumber: "5550100"}})
	if err != nil || cid != "1" {
		t.Fatalf("first contact: %q %v", cid, err)
	}
	if _, err := f.eng.SetContacts(ctx, admin, id, cid, false, []acd.ContactFields{{FirstName: "Ada", PhoneNumber: "5550101"}}); err != nil {
		t.Fatal(err)
	}
	if b, ok := other.PhoneBook(ctx, id); !ok || len(b.Contacts) != 1 || b.Contacts[0].PhoneNumber != "5550101" {
		t.Fatalf("the other node's book %s: %+v %v", id, b, ok)
	}
	if got := other.PhoneBooks(ctx, "20"); got[len(got)-1].Name != "Suppliers" {
		t.Fatalf("team 20 is not offered the global book: %+v", got)
	}
	if _, err := f.eng.SetContacts(ctx, admin, id, "", false, []acd.ContactFields{{PhoneNumber: "012345678901234567890123456789012"}}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("a 33-character number: %v", err)
	}
	big := make([]acd.ContactFields, 6001)
	for i := range big {
		big[i] = acd.ContactFields{PhoneNumber: strconv.Itoa(5550000 + i)}
	}
	if _, err := f.eng.SetContacts(ctx, admin, id, "", true, big); !errors.Is(err, acd.ErrMaximumExceeded) {
		t.Fatalf("6,001 contacts: %v", err)
	}
	if _, err := f.eng.SetContacts(ctx, admin, id, "", true, big[:3]); err != nil {
		t.Fatal(err)
	}
	if b, _ := f.eng.PhoneBook(ctx, id); len(b.Contacts) != 3 || b.Contacts[2].ID != "3" {
		t.Fatalf("after the import: %+v", b.Contacts)
	}
	if _, err := f.eng.SetContacts(ctx, admin, id, "2", false, nil); err != nil {
		t.Fatal(err)
	}
	if err := other.DeletePhoneBook(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.eng.PhoneBook(ctx, id); ok {
		t.Fatal("a deleted book still found")
	}
}

// A TEAM book and a wrap-up reason not for all reach the teams they are
// assigned to only.
func TestAssignBooksAndWrapUps(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	admin := f.user("admin")
	book, err := f.eng.CreatePhoneBook(ctx, admin, acd.PhoneBookRequest{Name: "Sales partners", Type: model.PhoneBookTeam})
	if err != nil {
		t.Fatal(err)
	}
	reason, err := f.eng.CreateWrapUpReason(ctx, admin, acd.WrapUpRequest{Label: "Partner referral"})
	if err != nil {
		t.Fatal(err)
	}
	has := func(team string) (bool, bool) {
		b := slices.ContainsFunc(f.eng.PhoneBooks(ctx, team), func(p model.PhoneBook) bool { return p.ID == book })
		w := slices.ContainsFunc(f.eng.WrapUpReasons(ctx, team), func(r model.WrapUpReason) bool { return r.ID == reason })
		return b, w
	}
	if b, w := has("10"); b || w {
		t.Fatalf("unassigned, team 10 sees book %v, reason %v", b, w)
	}
	if err := f.eng.AssignPhoneBooks(ctx, admin, "10", []string{book}); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.AssignWrapUpReasons(ctx, admin, "10", []string{reason}); err != nil {
		t.Fatal(err)
	}
	if b, w := has("10"); !b || !w {
		t.Fatalf("assigned, team 10 sees book %v, reason %v", b, w)
	}
	if b, w := has("20"); b || w {
		t.Fatalf("team 20 sees book %v, reason %v", b, w)
	}
	if err := f.eng.AssignPhoneBooks(ctx, admin, "10", []string{"1"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("assigning a global book: %v", err)
	}
	if err := f.eng.AssignWrapUpReasons(ctx, admin, "99", nil); !errors.Is(err, acd.ErrNotFound) {
		t.Fatalf("an unknown team: %v", err)
	}
}
