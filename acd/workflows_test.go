package acd_test

import (
	"context"
	"errors"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Administrators make workflow actions and workflows, limit workflows to
// teams, and cannot delete an action a workflow uses; the other node
// serves them at once.
func TestWorkflowAdministration(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	_, other, _ := twoNodes(t, f)
	ctx := context.Background()
	admin := f.user("admin")
	pop := model.WorkflowAction{Name: "CRM pop", Type: "BROWSER_POP", Params: []model.CallVariable{{Name: "path", Value: "https://crm.example/${ANI}"}}}
	if _, err := f.eng.SaveWorkflowAction(ctx, f.user("1001"), "", pop); !errors.Is(err, acd.ErrNotAuthorized) {
		t.Fatalf("an agent makes an action: %v", err)
	}
	action, err := f.eng.SaveWorkflowAction(ctx, admin, "", pop)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.eng.SaveWorkflowAction(ctx, admin, "", pop); !errors.Is(err, acd.ErrDuplicate) {
		t.Fatalf("a taken name: %v", err)
	}
	if _, err := f.eng.SaveWorkflowAction(ctx, admin, "", model.WorkflowAction{Name: "x", Type: "EMAIL"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("an unknown type: %v", err)
	}
	wf := model.Workflow{Name: "Support pop", Trigger: "CALL_ANSWERED", Actions: []model.WorkflowAction{{ID: action}}}
	id, err := f.eng.SaveWorkflow(ctx, admin, "", wf)
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := other.Workflow(ctx, id); !ok || w.Actions[0].Name != "CRM pop" || w.ApplyMethod != "ALL" {
		t.Fatalf("the other node's workflow %s: %+v %v", id, w, ok)
	}
	if err := f.eng.AssignWorkflows(ctx, admin, "20", []string{id}); err != nil {
		t.Fatal(err)
	}
	names := func(team string) (out []string) {
		for _, w := range other.WorkflowsFor(ctx, team) {
			out = append(out, w.Name)
		}
		return out
	}
	if got := names("20"); len(got) != 1 || got[0] != "Support pop" {
		t.Fatalf("team 20 runs %v", got)
	}
	if got := names("10"); len(got) != 1 || got[0] != "Order pop" {
		t.Fatalf("team 10 runs %v", got)
	}
	if err := f.eng.DeleteWorkflowAction(ctx, admin, action); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("deleting an action in use: %v", err)
	}
	if err := other.DeleteWorkflow(ctx, admin, id); err != nil {
		t.Fatal(err)
	}
	if err := f.eng.DeleteWorkflowAction(ctx, admin, action); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.eng.WorkflowAction(ctx, action); ok {
		t.Fatal("a deleted action still found")
	}
	if _, err := f.eng.SaveWorkflow(ctx, admin, "", model.Workflow{Name: "No action", Trigger: "CALL_ENDS"}); !errors.Is(err, acd.ErrInvalidInput) {
		t.Fatalf("a workflow without actions: %v", err)
	}
}
