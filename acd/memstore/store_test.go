package memstore_test

import (
	"context"
	"regexp"
	"slices"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/memstore"
)

// t0 is when every test clock starts.
var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// Subscribe reads a user's subscriptions and writes them back with one
// more; if a concurrent subscribe's commit were not detected, one of the
// two would be lost. The rival transaction runs, and commits, while the
// first is between its read and its commit.
func TestMemoryStoreSubscriptionConflictRetries(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(acd.NewFakeClock(t0), 100)
	mine := acd.Subscription{Node: "/finesse/api/User/1001/Queues", JID: "1001@localhost/mine"}
	theirs := acd.Subscription{Node: "/finesse/api/Queue/100", JID: "1001@localhost/theirs"}

	runs := 0
	var seen [][]acd.Subscription
	err := s.Update(ctx, func(tx acd.Tx) error {
		runs++
		subs, err := tx.Subscriptions("1001")
		if err != nil {
			return err
		}
		seen = append(seen, subs)
		if runs == 1 {
			rival := make(chan error)
			go func() {
				rival <- s.Update(ctx, func(tx acd.Tx) error {
					subs, err := tx.Subscriptions("1001")
					tx.PutSubscriptions("1001", append(subs, theirs))
					return err
				})
			}()
			if err := <-rival; err != nil {
				return err
			}
		}
		tx.PutSubscriptions("1001", append(subs, mine))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if runs != 2 {
		t.Fatalf("fn ran %d times, want 2: one conflict, one retry", runs)
	}
	if len(seen[0]) != 0 || !slices.Equal(seen[1], []acd.Subscription{theirs}) {
		t.Fatalf("fn saw %v then %v, want none then the rival's", seen[0], seen[1])
	}
	got, err := s.Subscriptions(ctx, "1001")
	if err != nil {
		t.Fatal(err)
	}
	if want := []acd.Subscription{theirs, mine}; !slices.Equal(got, want) {
		t.Fatalf("stored %v, want %v", got, want)
	}
}

// Another user's subscriptions changing meanwhile is no conflict: a retry
// there would only cost time.
func TestMemoryStoreSubscriptionsOfOthersDoNotConflict(t *testing.T) {
	ctx := context.Background()
	s := memstore.New(acd.NewFakeClock(t0), 100)
	runs := 0
	err := s.Update(ctx, func(tx acd.Tx) error {
		runs++
		subs, err := tx.Subscriptions("1001")
		if err != nil {
			return err
		}
		if runs == 1 {
			rival := make(chan error)
			go func() {
				rival <- s.Update(ctx, func(tx acd.Tx) error {
					tx.PutSubscriptions("1002", []acd.Subscription{{Node: "/finesse/api/Queue/100", JID: "1002@localhost"}})
					return nil
				})
			}()
			if err := <-rival; err != nil {
				return err
			}
		}
		tx.PutSubscriptions("1001", append(subs, acd.Subscription{Node: "/finesse/api/Queue/100", JID: "1001@localhost"}))
		return nil
	})
	if err != nil || runs != 1 {
		t.Fatalf("Update = %v after %d runs, want success in 1", err, runs)
	}
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// Item ids carry the epoch, so two processes' logs must differ while one
// log's must not change under a client that resumes from it.
func TestMemoryLogEpoch(t *testing.T) {
	a, b := memstore.NewLog(10), memstore.NewLog(10)
	if e := a.Epoch(); !uuidV4.MatchString(e) {
		t.Fatalf("epoch %q is not a version 4 UUID", e)
	}
	if a.Epoch() == b.Epoch() {
		t.Fatalf("two logs share the epoch %q", a.Epoch())
	}
	first := a.Epoch()
	s := memstore.New(acd.NewFakeClock(t0), 10)
	before := s.Log().Epoch()
	for range 20 { // past retain, so that trimming happens too
		emit(t, s, "/a")
	}
	if a.Epoch() != first || s.Log().Epoch() != before {
		t.Fatal("a log's epoch changed")
	}
}
