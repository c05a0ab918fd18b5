package acd_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// An administrator creates a NOT_READY reason code that agents may use at
// once, on this node and on another sharing the Store; an agent may not
// create one; codes and labels are unique in a category; a change and a
// deletion are seen everywhere.
func TestReasonCodeAdministration(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	_, other, _ := twoNodes(t, f)
	ctx := context.Background()
	admin := f.user("admin")
	req := acd.ReasonCodeRequest{Category: model.CategoryNotReady, Code: 55, Label: "Coaching", ForAll: true}
	if _, err := f.eng.CreateReasonCode(ctx, f.user("1001"), req); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Fatalf("an agent creates a reason code: %v", err)
	}
	id, err := f.eng.CreateReasonCode(ctx, admin, req)
	if err != nil {
		t.Fatal(err)
	}
	if _, taken := f.eng.Directory().ReasonCode(id); taken {
		t.Fatalf("the new code took configured id %s", id)
	}

	f.signIn("1001", "3001")
	f.mustChange("1001", "1001", model.StateNotReady, "", id) // at once, on this node
	f.signIn("1002", "3002")
	if err := other.ChangeState(ctx, f.user("1002"), acd.StateRequest{AgentID: "1002", State: model.StateNotReady, ReasonCodeID: id}); err != nil {
		t.Fatalf("the other node refuses the new code: %v", err)
	}
	if u := f.get("1002"); u.ReasonCode == nil || u.ReasonCode.Label != "Coaching" {
		t.Fatalf("1002 after the change on the other node: %+v", u.ReasonCode)
	}
	if codes := other.ReasonCodes(ctx, model.CategoryNotReady, "10"); codes[len(codes)-1].ID != id {
		t.Fatalf("the other node lists %+v", codes)
	}

	for _, dup := range []acd.ReasonCodeRequest{
		{Category: model.CategoryNotReady, Code: 55, Label: "Other", ForAll: true},
		{Category: model.CategoryNotReady, Code: 56, Label: "Lunch", ForAll: true},
	} {
		if _, err := f.eng.CreateReasonCode(ctx, admin, dup); !errors.Is(err, acd.ErrDuplicate) {
			t.Errorf("%+v: %v, want a duplicate", dup, err)
		}
	}
	if _, err := f.eng.CreateReasonCode(ctx, admin, acd.ReasonCodeRequest{Category: model.CategoryLogout, Code: 55, Label: "Coaching"}); err != nil {
		t.Errorf("the same code and label in the other category: %v", err)
	}
	for _, bad := range []acd.ReasonCodeRequest{
		{Category: "BREAK", Code: 1, Label: "x"},
		{Category: model.CategoryNotReady, Code: 70000, Label: "x"},
		{Category: model.CategoryNotReady, Code: 71, Label: ""},
		{Category: model.CategoryNotReady, Code: 72, Label: "a label far longer than the forty characters"},
	} {
		if _, err := f.eng.CreateReasonCode(ctx, admin, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}

	if err := other.UpdateReasonCode(ctx, admin, "1", acd.ReasonCodeRequest{Category: model.CategoryNotReady, Code: 1, Label: "Short break", ForAll: true}); err != nil {
		t.Fatal(err)
	}
	if rc, ok := f.eng.ReasonCode(ctx, "1"); !ok || rc.Label != "Short break" {
		t.Fatalf("configured code 1 after its change on the other node: %+v %v", rc, ok)
	}
	if err := other.DeleteReasonCode(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	// A node learns of a change made on the other within a sweeper tick.
	f.eng.StartSweeper()
	f.clock.Advance(5 * time.Second)
	if _, err := f.change("1001", "1001", model.StateNotReady, "", id); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("a deleted code given: %v", err)
	}
	if err := f.eng.DeleteReasonCode(ctx, admin, id); !errors.Is(err, acd.ErrNotFound) {
		t.Fatalf("deleted twice: %v", err)
	}
}

// Wrap-up reasons are administered as reason codes are: created, listed
// on another node at once, unique by label, changed and deleted; an
// agent may not.
func TestWrapUpReasonAdministration(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	_, other, _ := twoNodes(t, f)
	ctx := context.Background()
	admin := f.user("admin")
	if _, err := f.eng.CreateWrapUpReason(ctx, f.user("1001"), acd.WrapUpRequest{Label: "x", ForAll: true}); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Fatalf("an agent creates a wrap-up reason: %v", err)
	}
	id, err := f.eng.CreateWrapUpReason(ctx, admin, acd.WrapUpRequest{Label: "Upsold", ForAll: true})
	if err != nil {
		t.Fatal(err)
	}
	labels := func(e *acd.Engine) []string {
		var out []string
		for _, w := range e.WrapUpReasons(ctx, "10") {
			out = append(out, w.Label)
		}
		return out
	}
	if got := labels(other); got[len(got)-1] != "Upsold" {
		t.Fatalf("the other node lists %v", got)
	}
	if _, err := f.eng.CreateWrapUpReason(ctx, admin, acd.WrapUpRequest{Label: "Sale", ForAll: true}); !errors.Is(err, acd.ErrDuplicate) {
		t.Fatalf("a taken label: %v", err)
	}
	if _, err := f.eng.CreateWrapUpReason(ctx, admin, acd.WrapUpRequest{Label: strings.Repeat("l", 40), ForAll: true}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("a 40-byte label: %v", err)
	}
	if err := other.UpdateWrapUpReason(ctx, admin, "1", acd.WrapUpRequest{Label: "Sold", ForAll: true}); err != nil {
		t.Fatal(err)
	}
	if w, ok := f.eng.WrapUpReason(ctx, "1"); !ok || w.Label != "Sold" {
		t.Fatalf("configured reason 1 after its change: %+v %v", w, ok)
	}
	if err := f.eng.DeleteWrapUpReason(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if _, ok := other.WrapUpReason(ctx, id); ok {
		t.Fatal("a deleted reason still found on the other node")
	}
}

// A code not for all is usable by the teams it is assigned to only.
func TestAssignReasonCodes(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	admin := f.user("admin")
	id, err := f.eng.CreateReasonCode(ctx, admin, acd.ReasonCodeRequest{Category: model.CategoryNotReady, Code: 60, Label: "Sales huddle"})
	if err != nil {
		t.Fatal(err)
	}
	f.signIn("1001", "3001")
	f.signIn("1006", "3006")
	if _, err := f.change("1001", "1001", model.StateNotReady, "", id); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("an unassigned code given: %v", err)
	}
	if err := f.eng.AssignReasonCodes(ctx, admin, "10", model.CategoryNotReady, []string{id}); err != nil {
		t.Fatal(err)
	}
	f.mustChange("1001", "1001", model.StateNotReady, "", id)
	if _, err := f.change("1006", "1006", model.StateNotReady, "", id); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("team 20 gives team 10's code: %v", err)
	}
	if got := f.eng.TeamReasonCodes(ctx, "10", model.CategoryNotReady); len(got) != 1 || got[0].ID != id {
		t.Fatalf("team 10's assigned codes: %+v", got)
	}
	if err := f.eng.AssignReasonCodes(ctx, admin, "10", model.CategoryNotReady, []string{"1"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("assigning a code for all: %v", err)
	}
	if err := f.eng.AssignReasonCodes(ctx, admin, "10", model.CategoryNotReady, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.change("1001", "1001", model.StateNotReady, "", id); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("an unassigned code given again: %v", err)
	}
}

// Two administrators creating the same code at once: one gets it, the
// other is told it is taken (a review found both got it).
func TestConcurrentReasonCodeCreates(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	admin := f.user("admin")
	for i := range 50 {
		req := acd.ReasonCodeRequest{Category: model.CategoryNotReady, Code: 1000 + i, Label: "L" + strconv.Itoa(i), ForAll: true}
		var wg sync.WaitGroup
		var created atomic.Int32
		for range 2 {
			wg.Go(func() {
				_, err := f.eng.CreateReasonCode(context.Background(), admin, req)
				switch {
				case err == nil:
					created.Add(1)
				case !errors.Is(err, acd.ErrDuplicate):
					t.Errorf("create: %v", err)
				}
			})
		}
		wg.Wait()
		if n := created.Load(); n != 1 {
			t.Fatalf("pair %d: %d creates succeeded, want 1", i, n)
		}
	}
}
