package acd

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"

	"github.com/finessed/finessed/model"
)

// WrapUpRecord is an administrator's change to the wrap-up reasons: one
// it created, or its new version or deletion of one (a configured one
// too), kept in the Store like reason codes.
type WrapUpRecord struct {
	Reason  model.WrapUpReason
	Teams   []string
	Deleted bool
}

// Clone is a copy of r sharing no slice with it.
func (r WrapUpRecord) Clone() WrapUpRecord {
	r.Teams = slices.Clone(r.Teams)
	return r
}

// Finesse's bounds on wrap-up reasons: labels of 39 bytes (what a dialog's
// wrapUpReason holds), unique; 100 global ones.
const maxGlobalWrapUps = 100

func (e *Engine) refreshWrapUps(ctx context.Context) {
	records, err := e.store.WrapUpRecords(ctx)
	if err != nil {
		slog.Error("read wrap-up reasons", "err", err)
		return
	}
	e.wrapUps.set(records)
}

// WrapUpReasons lists the wrap-up reasons team may use ("" for every one):
// the configured ones as administrators left them, then theirs, by id.
func (e *Engine) WrapUpReasons(ctx context.Context, team string) []model.WrapUpReason {
	e.refreshWrapUps(ctx)
	return e.listWrapUps(team)
}

func (e *Engine) listWrapUps(team string) []model.WrapUpReason {
	var out []model.WrapUpReason
	add := func(w model.WrapUpReason, teams []string) {
		if team == "" || w.ForAll || slices.Contains(teams, team) {
			out = append(out, w)
		}
	}
	for _, w := range e.dir.WrapUpReasons("") {
		if r, ok := e.wrapUps.get(w.ID); ok {
			if !r.Deleted {
				add(r.Reason, r.Teams)
			}
			continue
		}
		add(w, e.configuredWrapUpTeams(w))
	}
	for _, r := range e.wrapUps.all() {
		if _, configured := e.dir.WrapUpReason(r.Reason.ID); !configured && !r.Deleted {
			add(r.Reason, r.Teams)
		}
	}
	return out
}

// configuredWrapUpTeams lists the teams the config file gave w.
func (e *Engine) configuredWrapUpTeams(w model.WrapUpReason) []string {
	if w.ForAll {
		return nil
	}
	var out []string
	for _, t := range e.dir.Teams() {
		if slices.ContainsFunc(e.dir.WrapUpReasons(t.ID), func(o model.WrapUpReason) bool { return o.ID == w.ID }) {
			out = append(out, t.ID)
		}
	}
	return out
}

// WrapUpReason is wrap-up reason id as every node now knows it.
func (e *Engine) WrapUpReason(ctx context.Context, id string) (model.WrapUpReason, bool) {
	e.refreshWrapUps(ctx)
	if r, ok := e.wrapUps.get(id); ok {
		return r.Reason, !r.Deleted
	}
	return e.dir.WrapUpReason(id)
}

// WrapUpRequest is a POST or PUT of a WrapUpReason by an administrator.
type WrapUpRequest struct {
	Label  string
	ForAll bool
}

// CreateWrapUpReason adds a wrap-up reason; it returns its id.
func (e *Engine) CreateWrapUpReason(ctx context.Context, actor *User, req WrapUpRequest) (string, error) {
	var id string
	err := e.changeWrapUps(ctx, actor, req, func(tx Tx) error {
		n, err := tx.NextID("wrapup")
		for err == nil {
			if _, taken := e.dir.WrapUpReason(n); !taken {
				break
			}
			n, err = tx.NextID("wrapup")
		}
		id = n
		return err
	}, &id)
	return id, err
}

// UpdateWrapUpReason replaces wrap-up reason id.
func (e *Engine) UpdateWrapUpReason(ctx context.Context, actor *User, id string, req WrapUpRequest) error {
	return e.changeWrapUps(ctx, actor, req, nil, &id)
}

// DeleteWrapUpReason deletes wrap-up reason id.
func (e *Engine) DeleteWrapUpReason(ctx context.Context, actor *User, id string) error {
	return e.changeConfig(ctx, actor, "wrapups", e.refreshWrapUps, func(tx Tx) error {
		r, err := e.currentWrapUp(tx, id)
		if err != nil {
			return err
		}
		r.Deleted = true
		tx.PutWrapUpRecord(r)
		return nil
	})
}

func (e *Engine) currentWrapUp(tx Tx, id string) (WrapUpRecord, error) {
	r, found, err := tx.WrapUpRecord(id)
	if err != nil {
		return r, err
	}
	if !found {
		w, ok := e.dir.WrapUpReason(id)
		if !ok {
			return r, refuse(ErrNotFound, id, "no such wrap-up reason")
		}
		r = WrapUpRecord{Reason: w, Teams: e.configuredWrapUpTeams(w)}
	}
	if r.Deleted {
		return r, refuse(ErrNotFound, id, "no such wrap-up reason")
	}
	return r, nil
}

// changeWrapUps creates (newID set) or replaces reason *id, checked
// against every reason as the Store has them in the same transaction.
func (e *Engine) changeWrapUps(ctx context.Context, actor *User, req WrapUpRequest, newID func(Tx) error, id *string) error {
	if err := e.mayConfigure(actor); err != nil {
		return err
	}
	switch {
	case req.Label == "":
		return refuse(ErrParameterMissing, "label", "label is required")
	case len(req.Label) > maxWrapUpReason:
		return refuse(ErrInvalidInput, "label", "label holds at most 39 bytes")
	}
	err := e.update(ctx, func(tx Tx) error {
		if err := e.claimKind(ctx, tx, "wrapups", e.refreshWrapUps); err != nil {
			return err
		}
		r := WrapUpRecord{}
		var err error
		if newID == nil {
			if r, err = e.currentWrapUp(tx, *id); err != nil {
				return err
			}
		} else if err := newID(tx); err != nil {
			return err
		}
		if err := e.checkWrapUpClash(tx, *id, req); err != nil {
			return err
		}
		r.Reason = model.WrapUpReason{ID: *id, Label: req.Label, ForAll: req.ForAll}
		tx.PutWrapUpRecord(r)
		return nil
	})
	e.refreshWrapUps(ctx)
	if err != nil {
		return fmt.Errorf("wrap-up reason %s: %w", *id, err)
	}
	return nil
}

// checkWrapUpClash refuses a label another reason has, and a global
// reason over the hundred.
func (e *Engine) checkWrapUpClash(tx Tx, id string, req WrapUpRequest) error {
	global := 0
	for _, w := range e.listWrapUps("") {
		r, err := e.currentWrapUp(tx, w.ID)
		if errors.Is(err, ErrNotFound) || r.Reason.ID == id {
			continue
		}
		if err != nil {
			return err
		}
		if r.Reason.Label == req.Label {
			return refuse(ErrDuplicate, "label", "label "+req.Label+" is taken")
		}
		if r.Reason.ForAll {
			global++
		}
	}
	if req.ForAll && global >= maxGlobalWrapUps {
		return refuse(ErrMaximumExceeded, "forAll", "at most 100 global wrap-up reasons")
	}
	return nil
}

// AssignWrapUpReasons makes ids the reasons (among those not for all)
// team's agents may apply: each named gains the team, each other loses it.
func (e *Engine) AssignWrapUpReasons(ctx context.Context, actor *User, team string, ids []string) error {
	if err := e.mayAssign(actor, team); err != nil {
		return err
	}
	err := e.update(ctx, func(tx Tx) error {
		if err := e.claimKind(ctx, tx, "wrapups", e.refreshWrapUps); err != nil {
			return err
		}
		var records []WrapUpRecord
		for _, w := range e.listWrapUps("") {
			r, err := e.currentWrapUp(tx, w.ID)
			if err != nil {
				return err
			}
			records = append(records, r)
		}
		for _, id := range ids {
			if !slices.ContainsFunc(records, func(r WrapUpRecord) bool { return r.Reason.ID == id && !r.Reason.ForAll }) {
				return refuse(ErrInvalidInput, id, "wrap-up reason "+id+" is none that is not for all")
			}
		}
		for _, r := range records {
			if teams, changed := assigned(r.Teams, team, !r.Reason.ForAll && slices.Contains(ids, r.Reason.ID)); changed && !r.Reason.ForAll {
				r.Teams = teams
				tx.PutWrapUpRecord(r)
			}
		}
		return nil
	})
	e.refreshWrapUps(ctx)
	return err
}

// mayAssign refuses a team assignment from anyone but an administrator on
// the primary node, or for a team that does not exist.
func (e *Engine) mayAssign(actor *User, team string) error {
	if err := e.mayConfigure(actor); err != nil {
		return err
	}
	if _, ok := e.dir.Team(team); !ok {
		return refuse(ErrNotFound, team, "no such team")
	}
	return nil
}

// assigned is teams with team in it or not, as want says, and whether
// that changed anything.
func assigned(teams []string, team string, want bool) ([]string, bool) {
	has := slices.Contains(teams, team)
	switch {
	case want && !has:
		return append(slices.Clone(teams), team), true
	case has && !want:
		return slices.DeleteFunc(slices.Clone(teams), func(t string) bool { return t == team }), true
	}
	return teams, false
}
