package directory_test

import (
	"testing"

	"github.com/finessed/finessed/acd/directory"
)

// A team with a custom layout reads it; the others read the default; a
// team has one custom layout at most.
func TestTeamLayouts(t *testing.T) {
	cfg := demoConfig(t)
	entry := directory.LayoutEntryConfig{DisplayName: "Order", MediaProperty: "callVariable1"}
	cfg.MediaPropertiesLayouts = []directory.LayoutConfig{
		{Name: "Support", Columns: [][]directory.LayoutEntryConfig{{entry}}, Teams: []string{"20"}},
	}
	d, err := directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if l := d.LayoutFor("20"); l.Name != "Support" || l.Type != "CUSTOM" || l.ID != "2" {
		t.Fatalf("team 20's layout: %+v", l)
	}
	if l := d.LayoutFor("10"); l.ID != d.Layout().ID || l.Type != "DEFAULT" {
		t.Fatalf("team 10's layout: %+v", l)
	}
	if n := len(d.Layouts()); n != 2 {
		t.Fatalf("%d layouts, want 2", n)
	}
	cfg.MediaPropertiesLayouts = append(cfg.MediaPropertiesLayouts, cfg.MediaPropertiesLayouts[0])
	if _, err := directory.NewDirectory(cfg); err == nil {
		t.Fatal("two custom layouts for team 20 accepted")
	}
	cfg.MediaPropertiesLayouts = []directory.LayoutConfig{{Name: "x", Teams: []string{"99"}}}
	if _, err := directory.NewDirectory(cfg); err == nil {
		t.Fatal("a layout for an unknown team accepted")
	}
}
