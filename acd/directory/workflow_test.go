package directory_test

import (
	"strings"
	"testing"

	"github.com/finessed/finessed/acd/directory"
)

// The demo's workflow is Sales' only; a team's desktops run the
// workflows for every team and its own.
func TestWorkflowsByTeam(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Workflows = append(cfg.Workflows, directory.WorkflowConfig{
		ID: "2", Name: "Everyone", Trigger: "CALL_ENDS", Actions: []string{"1"},
	})
	d, err := directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	names := func(team string) string {
		var out []string
		for _, w := range d.WorkflowsFor(team) {
			out = append(out, w.Name)
		}
		return strings.Join(out, ",")
	}
	for team, want := range map[string]string{"10": "Order pop,Everyone", "20": "Everyone", "": "Everyone"} {
		if got := names(team); got != want {
			t.Errorf("team %q runs %q, want %q", team, got, want)
		}
	}
	if w, ok := d.Workflow("1"); !ok || len(w.Actions) != 1 || w.Actions[0].Type != "BROWSER_POP" || w.ApplyMethod != "ALL" {
		t.Fatalf("workflow 1: %+v", w)
	}
	if a, ok := d.WorkflowAction("1"); !ok || a.HandledBy != "FINESSE_DESKTOP" || len(a.Params) != 2 {
		t.Fatalf("workflow action 1: %+v", a)
	}
}

// A config with a workflow the reference would refuse does not start.
func TestWorkflowRefusals(t *testing.T) {
	for name, change := range map[string]func(*directory.Config){
		"unknown trigger":   func(c *directory.Config) { c.Workflows[0].Trigger = "CALL_RINGS" },
		"unknown action":    func(c *directory.Config) { c.Workflows[0].Actions = []string{"9"} },
		"no action":         func(c *directory.Config) { c.Workflows[0].Actions = nil },
		"six conditions":    func(c *directory.Config) { c.Workflows[0].Conditions = make([]directory.ConditionConfig, 6) },
		"bad comparator":    func(c *directory.Config) { c.Workflows[0].Conditions[0].Comparator = "LIKE" },
		"apply method":      func(c *directory.Config) { c.Workflows[0].ApplyMethod = "SOME" },
		"unknown team":      func(c *directory.Config) { c.Workflows[0].Teams = []string{"99"} },
		"long name":         func(c *directory.Config) { c.Workflows[0].Name = strings.Repeat("n", 41) },
		"action type":       func(c *directory.Config) { c.WorkflowActions[0].Type = "EMAIL" },
		"action handled by": func(c *directory.Config) { c.WorkflowActions[0].HandledBy = "SERVER" },
		"duplicate name": func(c *directory.Config) {
			c.Workflows = append(c.Workflows, c.Workflows[0])
			c.Workflows[1].ID = "2"
		},
	} {
		cfg := demoConfig(t)
		change(&cfg)
		if _, err := directory.NewDirectory(cfg); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
