package acd_test

import (
	"context"
	"errors"
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
