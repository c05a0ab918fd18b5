package acd

import (
	"context"
	"fmt"
	"log/slog"
	"slices"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// LayoutRecord is an administrator's MediaPropertiesLayout, or its
// version or deletion of a configured one. It is kept in the Store like
// reason codes, so both nodes of a pair serve the same layouts.
type LayoutRecord struct {
	Layout  model.MediaPropertiesLayout
	Teams   []string // the teams whose desktops use it (config only)
	Deleted bool
}

// Clone is a copy of r sharing no slice with it.
func (r LayoutRecord) Clone() LayoutRecord {
	r.Layout.Header = slices.Clone(r.Layout.Header)
	r.Layout.Columns = slices.Clone(r.Layout.Columns)
	for i, c := range r.Layout.Columns {
		r.Layout.Columns[i] = slices.Clone(c)
	}
	r.Teams = slices.Clone(r.Teams)
	return r
}

// DefaultLayoutID is the name the reference gives the deployment's
// default layout beside its id.
const DefaultLayoutID = "default"

// maxCustomLayouts bounds the custom layouts administrators create. The
// reference names a Maximum Exceeded error without a figure; this is ours.
const maxCustomLayouts = 200

func (e *Engine) refreshLayouts(ctx context.Context) {
	rs, err := e.store.LayoutRecords(ctx)
	if err != nil {
		slog.Error("read media properties layouts", "err", err)
		return
	}
	e.layouts.set(rs)
}

// liveLayouts is every layout not deleted, the default first, then the
// configured custom layouts, then the administrators' own.
func (e *Engine) liveLayouts() []LayoutRecord {
	var configured []LayoutRecord
	for _, l := range e.dir.Layouts() {
		configured = append(configured, LayoutRecord{Layout: l, Teams: e.dir.LayoutTeams(l.ID)})
	}
	return e.layouts.over(configured, func(r LayoutRecord) bool { return r.Deleted })
}

func (e *Engine) configuredLayout(id string) bool {
	return slices.ContainsFunc(e.dir.Layouts(), func(l model.MediaPropertiesLayout) bool { return l.ID == id })
}

// Layouts lists every MediaPropertiesLayout, the default first.
func (e *Engine) Layouts(ctx context.Context) []model.MediaPropertiesLayout {
	e.refreshLayouts(ctx)
	live := e.liveLayouts()
	out := make([]model.MediaPropertiesLayout, len(live))
	for i, r := range live {
		out[i] = r.Layout
	}
	return out
}

// DefaultLayout is the deployment's default layout.
func (e *Engine) DefaultLayout(ctx context.Context) model.MediaPropertiesLayout {
	return e.Layouts(ctx)[0]
}

// Layout finds layout id; "default" names the default.
func (e *Engine) Layout(ctx context.Context, id string) (model.MediaPropertiesLayout, bool) {
	all := e.Layouts(ctx)
	if id == DefaultLayoutID {
		return all[0], true
	}
	i := slices.IndexFunc(all, func(l model.MediaPropertiesLayout) bool { return l.ID == id })
	if i < 0 {
		return model.MediaPropertiesLayout{}, false
	}
	return all[i], true
}

// LayoutFor is the layout team's desktops use: the custom layout the
// team is given, else the default.
func (e *Engine) LayoutFor(ctx context.Context, team string) model.MediaPropertiesLayout {
	e.refreshLayouts(ctx)
	live := e.liveLayouts()
	for _, r := range live[1:] {
		if team != "" && slices.Contains(r.Teams, team) {
			return r.Layout
		}
	}
	return live[0].Layout
}

// SaveLayout creates a custom layout (id "") or replaces layout id
// ("default" or the default's id: the default), keeping its type and
// teams; it returns the id.
func (e *Engine) SaveLayout(ctx context.Context, actor *User, want string, l model.MediaPropertiesLayout) (string, error) {
	var saved string
	err := e.changeConfig(ctx, actor, "layouts", e.refreshLayouts, func(tx Tx) error {
		id := want // a retried attempt starts again from the request's id
		if l.Name == "" {
			return refuse(ErrParameterMissing, "name", "a media properties layout needs a name")
		}
		live := e.liveLayouts()
		if id == DefaultLayoutID {
			id = live[0].Layout.ID
		}
		rec := LayoutRecord{Layout: model.MediaPropertiesLayout{Type: "CUSTOM"}}
		if id == "" {
			if len(live)-1 >= maxCustomLayouts {
				return refuse(ErrMaximumExceeded, "MediaPropertiesLayout", fmt.Sprintf("at most %d custom layouts", maxCustomLayouts))
			}
			n, err := freeID(tx, "layout", e.configuredLayout)
			if err != nil {
				return err
			}
			id = n
		} else if i := slices.IndexFunc(live, func(r LayoutRecord) bool { return r.Layout.ID == id }); i >= 0 {
			rec = live[i]
		} else {
			return refuse(ErrNotFound, id, "no such media properties layout")
		}
		l.ID, l.Type = id, rec.Layout.Type
		checked, err := directory.CheckLayout(l)
		if err != nil {
			return refuse(ErrInvalidInput, "MediaPropertiesLayout", err.Error())
		}
		if slices.ContainsFunc(live, func(r LayoutRecord) bool { return r.Layout.ID != id && r.Layout.Name == l.Name }) {
			return refuse(ErrDuplicate, "name", "a media properties layout is named "+l.Name)
		}
		rec.Layout, saved = checked, id
		tx.PutLayoutRecord(rec)
		return nil
	})
	return saved, err
}

// DeleteLayout deletes custom layout id; the teams that used it go back
// to the default, which may not be deleted.
func (e *Engine) DeleteLayout(ctx context.Context, actor *User, id string) error {
	return e.changeConfig(ctx, actor, "layouts", e.refreshLayouts, func(tx Tx) error {
		live := e.liveLayouts()
		if id == live[0].Layout.ID {
			return refuse(ErrForbidden, id, "the default media properties layout may not be deleted")
		}
		i := slices.IndexFunc(live, func(r LayoutRecord) bool { return r.Layout.ID == id })
		if i < 0 {
			return refuse(ErrNotFound, id, "no such media properties layout")
		}
		r := live[i]
		r.Deleted = true
		tx.PutLayoutRecord(r)
		return nil
	})
}
