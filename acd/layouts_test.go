package acd_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Administrators create, change and delete MediaPropertiesLayouts; the
// other node serves the change at once; the default can be changed but
// not deleted, and a team whose custom layout goes reads the default.
func TestLayoutAdministration(t *testing.T) {
	cfg := demoConfig(t)
	cfg.MediaPropertiesLayouts = []directory.LayoutConfig{{
		Name: "Support", Teams: []string{"20"},
		Columns: [][]directory.LayoutEntryConfig{{{DisplayName: "Ticket", MediaProperty: "callVariable1"}}},
	}}
	f := newFixture(t, cfg)
	_, other, _ := twoNodes(t, f)
	ctx := context.Background()
	admin := f.user("admin")
	entry := func(p string, pop bool) model.LayoutEntry {
		return model.LayoutEntry{DisplayName: "Label " + p, MediaProperty: p, ShowInPopOver: pop}
	}
	orders := model.MediaPropertiesLayout{Name: "Orders", Description: "order desk",
		Header:  []model.LayoutEntry{entry("callVariable1", true)},
		Columns: [][]model.LayoutEntry{{entry("user.order", true)}, {entry("BACampaign", false)}}}

	if _, err := f.eng.SaveLayout(ctx, f.user("1001"), "", orders); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Fatalf("an agent creates a layout: %v", err)
	}
	id, err := f.eng.SaveLayout(ctx, admin, "", orders)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := other.Layout(ctx, id); !ok || l.Name != "Orders" || l.Type != "CUSTOM" || l.Columns[0][0].MediaProperty != "user.order" {
		t.Fatalf("the other node's layout %s: %+v %v", id, l, ok)
	}
	if _, err := f.eng.SaveLayout(ctx, admin, "", orders); !errors.Is(err, acd.ErrDuplicate) {
		t.Fatalf("a taken name: %v", err)
	}
	refused := map[string]struct {
		l    model.MediaPropertiesLayout
		want error
	}{
		"no name":           {model.MediaPropertiesLayout{}, acd.ErrParameterMissing},
		"three columns":     {model.MediaPropertiesLayout{Name: "x", Columns: make([][]model.LayoutEntry, 3)}, acd.ErrInvalidInput},
		"two in the header": {model.MediaPropertiesLayout{Name: "x", Header: []model.LayoutEntry{entry("callVariable1", false), entry("callVariable2", false)}}, acd.ErrInvalidInput},
		"unknown property":  {model.MediaPropertiesLayout{Name: "x", Header: []model.LayoutEntry{entry("ani", false)}}, acd.ErrInvalidInput},
		"six in the pop-over": {model.MediaPropertiesLayout{Name: "x", Columns: [][]model.LayoutEntry{{
			entry("callVariable1", true), entry("callVariable2", true), entry("callVariable3", true),
			entry("callVariable4", true), entry("callVariable5", true), entry("callVariable6", true)}}}, acd.ErrInvalidInput},
	}
	for name, c := range refused {
		if _, err := f.eng.SaveLayout(ctx, admin, "", c.l); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}

	renamed := orders
	renamed.Name = "Call data"
	if _, err := other.SaveLayout(ctx, admin, acd.DefaultLayoutID, renamed); err != nil {
		t.Fatal(err)
	}
	if l := f.eng.LayoutFor(ctx, "10"); l.Name != "Call data" || l.Type != "DEFAULT" || l.ID != "1" {
		t.Fatalf("team 10 reads %+v after the default changed", l)
	}
	if err := f.eng.DeleteLayout(ctx, admin, "1"); !errors.Is(err, acd.ErrForbidden) {
		t.Fatalf("deleting the default: %v", err)
	}

	support := f.eng.LayoutFor(ctx, "20")
	support.Description = "changed"
	if _, err := f.eng.SaveLayout(ctx, admin, support.ID, support); err != nil {
		t.Fatal(err)
	}
	if l := other.LayoutFor(ctx, "20"); l.Description != "changed" {
		t.Fatalf("team 20 reads %+v after its layout changed", l)
	}
	if err := f.eng.DeleteLayout(ctx, admin, support.ID); err != nil {
		t.Fatal(err)
	}
	if l := other.LayoutFor(ctx, "20"); l.ID != "1" {
		t.Fatalf("team 20 reads %+v after its layout was deleted", l)
	}
	if err := f.eng.DeleteLayout(ctx, admin, support.ID); !errors.Is(err, acd.ErrNotFound) {
		t.Fatalf("deleting it again: %v", err)
	}
	if n := len(other.Layouts(ctx)); n != 2 {
		t.Fatalf("%d layouts left, want the default and Orders", n)
	}
}

// Custom layouts are bounded.
func TestLayoutMaximum(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	admin := f.user("admin")
	for i := range 200 {
		if _, err := f.eng.SaveLayout(ctx, admin, "", model.MediaPropertiesLayout{Name: fmt.Sprint("layout ", i)}); err != nil {
			t.Fatalf("layout %d: %v", i, err)
		}
	}
	if _, err := f.eng.SaveLayout(ctx, admin, "", model.MediaPropertiesLayout{Name: "one more"}); !errors.Is(err, acd.ErrMaximumExceeded) {
		t.Fatalf("the 201st custom layout: %v", err)
	}
}

// Creates that conflict and are retried each make a layout of their own:
// a retry starts again from the request, not from the id its first
// attempt took (which another create may have committed meanwhile).
func TestConcurrentLayoutCreates(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	admin := f.user("admin")
	const n = 16
	ids := make(chan string, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			id, err := f.eng.SaveLayout(ctx, admin, "", model.MediaPropertiesLayout{Name: fmt.Sprint("layout ", i)})
			if err != nil {
				t.Errorf("create %d: %v", i, err)
			}
			ids <- id
		}()
	}
	close(start)
	seen := map[string]bool{}
	for range n {
		seen[<-ids] = true
	}
	if len(seen) != n || len(f.eng.Layouts(ctx)) != n+1 {
		t.Fatalf("%d creates gave %d ids and %d layouts besides the default", n, len(seen), len(f.eng.Layouts(ctx))-1)
	}
}

// The same for workflows and workflow actions, which share the pattern.
func TestConcurrentWorkflowCreates(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	ctx := context.Background()
	admin := f.user("admin")
	before, beforeActions := len(f.eng.Workflows(ctx)), len(f.eng.WorkflowActions(ctx))
	const n = 12
	done := make(chan struct{}, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			defer func() { done <- struct{}{} }()
			<-start
			action, err := f.eng.SaveWorkflowAction(ctx, admin, "", model.WorkflowAction{Name: fmt.Sprint("pop ", i), Type: "BROWSER_POP",
				Params: []model.CallVariable{{Name: "path", Value: "https://crm.example/${ANI}"}}})
			if err != nil {
				t.Errorf("action %d: %v", i, err)
				return
			}
			_, err = f.eng.SaveWorkflow(ctx, admin, "", model.Workflow{Name: fmt.Sprint("flow ", i), Trigger: "CALL_ANSWERED", Actions: []model.WorkflowAction{{ID: action}}})
			if err != nil {
				t.Errorf("workflow %d: %v", i, err)
			}
		}()
	}
	close(start)
	for range n {
		<-done
	}
	if a, w := len(f.eng.WorkflowActions(ctx))-beforeActions, len(f.eng.Workflows(ctx))-before; a != n || w != n {
		t.Fatalf("%d concurrent creates each made %d actions and %d workflows", n, a, w)
	}
}
