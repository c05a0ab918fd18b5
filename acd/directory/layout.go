package directory

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/finessed/finessed/model"
)

// LayoutConfig is the deployment's default MediaPropertiesLayout, which
// every desktop shows a call's data by. Without one the directory uses
// callVariable1-5 and 6-10 in two columns.
type LayoutConfig struct {
	Name        string                `yaml:"name"`
	Description string                `yaml:"description"`
	Header      []LayoutEntryConfig   `yaml:"header"`
	Columns     [][]LayoutEntryConfig `yaml:"columns"`
	// Teams are the teams whose desktops use a custom layout (config
	// mediaPropertiesLayouts) instead of the default; each team has one.
	Teams []string `yaml:"teams"`
}

// LayoutEntryConfig is one labelled media property of a layout.
type LayoutEntryConfig struct {
	DisplayName   string `yaml:"displayName"`
	MediaProperty string `yaml:"mediaProperty"`
	ShowInPopOver bool   `yaml:"showInPopOver"`
	UIEditable    bool   `yaml:"uiEditable"`
}

// Layout is the deployment's default MediaPropertiesLayout.
func (d *Directory) Layout() model.MediaPropertiesLayout { return d.layout }

// Layouts lists every layout: the default, then the custom ones.
func (d *Directory) Layouts() []model.MediaPropertiesLayout {
	out := []model.MediaPropertiesLayout{d.layout}
	for _, l := range d.teamLayouts {
		out = append(out, l.MediaPropertiesLayout)
	}
	return out
}

// LayoutFor is the layout team's desktops use: its custom layout, else
// the default.
func (d *Directory) LayoutFor(team string) model.MediaPropertiesLayout {
	for _, l := range d.teamLayouts {
		if slices.Contains(l.teams, team) {
			return l.MediaPropertiesLayout
		}
	}
	return d.layout
}

// LayoutTeams lists the teams whose desktops use configured layout id.
func (d *Directory) LayoutTeams(id string) []string {
	for _, l := range d.teamLayouts {
		if l.ID == id {
			return slices.Clone(l.teams)
		}
	}
	return nil
}

// CheckLayout checks a layout an administrator sends as a configured one
// is checked, and returns it with its entries in place.
func CheckLayout(l model.MediaPropertiesLayout) (model.MediaPropertiesLayout, error) {
	lc := LayoutConfig{Name: l.Name, Description: l.Description, Header: entryConfigs(l.Header)}
	for _, col := range l.Columns {
		lc.Columns = append(lc.Columns, entryConfigs(col))
	}
	return buildLayout(lc, l.ID, l.Type)
}

func entryConfigs(entries []model.LayoutEntry) []LayoutEntryConfig {
	out := make([]LayoutEntryConfig, len(entries))
	for i, e := range entries {
		out[i] = LayoutEntryConfig(e)
	}
	return out
}

// maxPopOver is how many of a layout's entries the call pop-over shows at
// most; the reference refuses a sixth with Invalid Input.
const maxPopOver = 5

// teamLayout is a custom layout and the teams that use it.
type teamLayout struct {
	model.MediaPropertiesLayout
	teams []string
}

func (d *Directory) addLayout(cfg Config) error {
	d.layout = defaultLayout()
	if cfg.MediaPropertiesLayout != nil {
		l, err := buildLayout(*cfg.MediaPropertiesLayout, "1", "DEFAULT")
		if err != nil {
			return fmt.Errorf("mediaPropertiesLayout: %w", err)
		}
		d.layout = l
	}
	for i, lc := range cfg.MediaPropertiesLayouts {
		l, err := buildLayout(lc, strconv.Itoa(i+2), "CUSTOM")
		if err != nil {
			return fmt.Errorf("mediaPropertiesLayouts[%d]: %w", i, err)
		}
		if err := d.knownTeams(lc.Teams); err != nil {
			return fmt.Errorf("mediaPropertiesLayouts[%d]: %w", i, err)
		}
		for _, t := range lc.Teams {
			if d.LayoutFor(t).ID != d.layout.ID {
				return fmt.Errorf("mediaPropertiesLayouts[%d]: team %s has a layout already", i, t)
			}
		}
		d.teamLayouts = append(d.teamLayouts, teamLayout{l, lc.Teams})
	}
	return nil
}

// buildLayout checks lc and makes it layout id of type kind.
func buildLayout(lc LayoutConfig, id, kind string) (model.MediaPropertiesLayout, error) {
	switch {
	case utf8.RuneCountInString(lc.Name) > 40 || lc.Name == "":
		return model.MediaPropertiesLayout{}, fmt.Errorf("name must be 1 to 40 characters")
	case utf8.RuneCountInString(lc.Description) > 128:
		return model.MediaPropertiesLayout{}, fmt.Errorf("description is longer than 128 characters")
	case len(lc.Columns) > 2:
		return model.MediaPropertiesLayout{}, fmt.Errorf("%d columns, at most 2", len(lc.Columns))
	}
	l := model.MediaPropertiesLayout{ID: id, Name: lc.Name, Description: lc.Description, Type: kind}
	var err error
	// The header is the one line a call shows closed (the reference: a
	// single entry); columns hold up to ten.
	if l.Header, err = layoutEntries(lc.Header, 1); err != nil {
		return l, fmt.Errorf("header: %w", err)
	}
	for i, col := range lc.Columns {
		entries, err := layoutEntries(col, 10)
		if err != nil {
			return l, fmt.Errorf("column %d: %w", i+1, err)
		}
		l.Columns = append(l.Columns, entries)
	}
	popOver := 0
	for _, e := range slices.Concat(append([][]model.LayoutEntry{l.Header}, l.Columns...)...) {
		if e.ShowInPopOver {
			popOver++
		}
	}
	if popOver > maxPopOver {
		return l, fmt.Errorf("%d entries shown in the pop-over, at most %d", popOver, maxPopOver)
	}
	return l, nil
}

// layoutEntries checks a header's or column's entries: at most most, each
// a display name of at most 50 characters (it may be empty, as the
// reference says) for a property a call carries.
func layoutEntries(entries []LayoutEntryConfig, most int) ([]model.LayoutEntry, error) {
	if len(entries) > most {
		return nil, fmt.Errorf("%d entries, at most %d", len(entries), most)
	}
	out := make([]model.LayoutEntry, 0, len(entries))
	for _, e := range entries {
		if utf8.RuneCountInString(e.DisplayName) > 50 {
			return nil, fmt.Errorf("entry %q: displayName is longer than 50 characters", e.MediaProperty)
		}
		if !layoutProperty(e.MediaProperty) {
			return nil, fmt.Errorf("entry %q: mediaProperty must be callVariable1-10, user.* or BA*", e.MediaProperty)
		}
		out = append(out, model.LayoutEntry(e))
	}
	return out, nil
}

func layoutProperty(p string) bool {
	if n, ok := strings.CutPrefix(p, "callVariable"); ok {
		i, err := strconv.Atoi(n)
		return err == nil && i >= 1 && i <= 10 && strconv.Itoa(i) == n
	}
	return (strings.HasPrefix(p, "user.") && len(p) > 5) || (strings.HasPrefix(p, "BA") && len(p) > 2)
}

// defaultLayout shows the ten call variables, five a column.
func defaultLayout() model.MediaPropertiesLayout {
	l := model.MediaPropertiesLayout{ID: "1", Name: "Default Layout", Description: "The call variables", Type: "DEFAULT"}
	for c := range 2 {
		var col []model.LayoutEntry
		for i := c*5 + 1; i <= c*5+5; i++ {
			n := strconv.Itoa(i)
			col = append(col, model.LayoutEntry{DisplayName: "Call Variable " + n, MediaProperty: "callVariable" + n})
		}
		l.Columns = append(l.Columns, col)
	}
	return l
}
