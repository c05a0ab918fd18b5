package directory

import (
	"fmt"
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

func (d *Directory) addLayout(cfg Config) error {
	if cfg.MediaPropertiesLayout == nil {
		d.layout = defaultLayout()
		return nil
	}
	lc := cfg.MediaPropertiesLayout
	switch {
	case utf8.RuneCountInString(lc.Name) > 40 || lc.Name == "":
		return fmt.Errorf("mediaPropertiesLayout: name must be 1 to 40 characters")
	case utf8.RuneCountInString(lc.Description) > 128:
		return fmt.Errorf("mediaPropertiesLayout: description is longer than 128 characters")
	case len(lc.Columns) > 2:
		return fmt.Errorf("mediaPropertiesLayout: %d columns, at most 2", len(lc.Columns))
	}
	l := model.MediaPropertiesLayout{ID: "1", Name: lc.Name, Description: lc.Description, Type: "DEFAULT"}
	var err error
	if l.Header, err = layoutEntries(lc.Header); err != nil {
		return fmt.Errorf("mediaPropertiesLayout header: %w", err)
	}
	for i, col := range lc.Columns {
		entries, err := layoutEntries(col)
		if err != nil {
			return fmt.Errorf("mediaPropertiesLayout column %d: %w", i+1, err)
		}
		l.Columns = append(l.Columns, entries)
	}
	d.layout = l
	return nil
}

// layoutEntries checks a header's or column's entries: at most ten, each
// a display name of at most 50 characters for a property a call carries.
func layoutEntries(entries []LayoutEntryConfig) ([]model.LayoutEntry, error) {
	if len(entries) > 10 {
		return nil, fmt.Errorf("%d entries, at most 10", len(entries))
	}
	out := make([]model.LayoutEntry, 0, len(entries))
	for _, e := range entries {
		if utf8.RuneCountInString(e.DisplayName) > 50 || e.DisplayName == "" {
			return nil, fmt.Errorf("entry %q: displayName must be 1 to 50 characters", e.MediaProperty)
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
