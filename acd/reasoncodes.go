package acd

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"sync"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The refusals of configuration changes, beyond those of the directory:
// Finesse answers a duplicate code or label with 400 Finesse API Error, a
// category over its bound with 400 Maximum Exceeded, and any change made
// on the secondary node with 403 Forbidden.
var (
	ErrDuplicate       = errors.New("duplicate")
	ErrMaximumExceeded = errors.New("maximum exceeded")
	ErrForbidden       = errors.New("forbidden on the secondary node")
)

// ReasonCodeRecord is an administrator's change to the reason codes: a
// code it created, or its new version or deletion of one (a configured
// one too). Records live in the Store, so that both nodes of a pair see
// the same codes; the configuration file only seeds them.
type ReasonCodeRecord struct {
	Code    model.ReasonCode
	Teams   []string // the teams of a code not for all; kept from the config
	Deleted bool
}

// Clone is a copy of r sharing no slice with it.
func (r ReasonCodeRecord) Clone() ReasonCodeRecord {
	r.Teams = slices.Clone(r.Teams)
	return r
}

// Finesse's bounds on reason codes (developer guide, ReasonCode API
// parameters; desktop limits in acd.md): codes 1-65535 (UCCX 1-999),
// labels of 40 characters, 100 global codes a category.
const (
	maxReasonLabel    = 40
	maxGlobalReasons  = 100
	maxReasonCodeUCCE = 65535
	maxReasonCodeUCCX = 999
)

// overlay is this node's copy of the administrators' records of one kind,
// read from the Store at start, on each sweeper tick, after each change
// made here, and when a request names one it does not know, so that a
// record made on the other node is usable at once.
type overlay[T any] struct {
	key  func(T) string
	mu   sync.RWMutex
	byID map[string]T
}

func (o *overlay[T]) get(id string) (T, bool) {
	o.mu.RLock()
	defer o.mu.RUnlock()
	r, ok := o.byID[id]
	return r, ok
}

func (o *overlay[T]) all() []T {
	o.mu.RLock()
	defer o.mu.RUnlock()
	out := make([]T, 0, len(o.byID))
	for _, r := range o.byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b T) int { return compareIDs(o.key(a), o.key(b)) })
	return out
}

func (o *overlay[T]) set(records []T) {
	by := make(map[string]T, len(records))
	for _, r := range records {
		by[o.key(r)] = r
	}
	o.mu.Lock()
	o.byID = by
	o.mu.Unlock()
}

// over is configured as the administrators' records change it: each
// configured record replaced by theirs of its id, then their own records,
// those deleted left out.
func (o *overlay[T]) over(configured []T, deleted func(T) bool) []T {
	var out []T
	seen := make(map[string]bool, len(configured))
	for _, c := range configured {
		seen[o.key(c)] = true
		if r, ok := o.get(o.key(c)); ok {
			c = r
		}
		if !deleted(c) {
			out = append(out, c)
		}
	}
	for _, r := range o.all() {
		if !seen[o.key(r)] && !deleted(r) {
			out = append(out, r)
		}
	}
	return out
}

func compareIDs(a, b string) int { return cmp.Or(cmp.Compare(len(a), len(b)), cmp.Compare(a, b)) }

// refreshCodes reloads the administrators' reason codes from the Store.
func (e *Engine) refreshCodes(ctx context.Context) {
	records, err := e.store.ReasonCodes(ctx)
	if err != nil {
		slog.Error("read reason codes", "err", err)
		return
	}
	e.codes.set(records)
}

// reasonCodeByID is code id as this node knows it: an administrator's
// version, else the configured one; deleted codes are not found.
func (e *Engine) reasonCodeByID(id string) (model.ReasonCode, bool) {
	if r, ok := e.codes.get(id); ok {
		return r.Code, !r.Deleted
	}
	return e.dir.ReasonCode(id)
}

// usableCode is code id if an agent of team may give it.
func (e *Engine) usableCode(id, team string) (model.ReasonCode, bool) {
	if r, ok := e.codes.get(id); ok {
		return r.Code, !r.Deleted && (r.Code.ForAll || slices.Contains(r.Teams, team))
	}
	rc, ok := e.dir.ReasonCode(id)
	return rc, ok && e.dir.ReasonCodeFor(rc, team)
}

// configuredTeams lists the teams the config file gave code rc, none for
// a code for all.
func (e *Engine) configuredTeams(rc model.ReasonCode) []string {
	if rc.ForAll {
		return nil
	}
	var out []string
	for _, t := range e.dir.Teams() {
		if e.dir.ReasonCodeFor(rc, t.ID) {
			out = append(out, t.ID)
		}
	}
	return out
}

// ReasonCode is code id as every node now knows it.
func (e *Engine) ReasonCode(ctx context.Context, id string) (model.ReasonCode, bool) {
	e.refreshCodes(ctx)
	return e.reasonCodeByID(id)
}

// ReasonCodes lists the codes of category ("" for both) that team may use
// ("" for every code): the configured ones in their order as the
// administrators left them, then the ones they created, by id.
func (e *Engine) ReasonCodes(ctx context.Context, category model.ReasonCategory, team string) []model.ReasonCode {
	e.refreshCodes(ctx)
	return e.listCodes(category, team)
}

func (e *Engine) listCodes(category model.ReasonCategory, team string) []model.ReasonCode {
	var out []model.ReasonCode
	add := func(rc model.ReasonCode, teams []string) {
		if (category == "" || rc.Category == category) && (team == "" || rc.ForAll || slices.Contains(teams, team)) {
			out = append(out, rc)
		}
	}
	for _, rc := range e.dir.ReasonCodes("", "") {
		if r, ok := e.codes.get(rc.ID); ok {
			if !r.Deleted {
				add(r.Code, r.Teams)
			}
			continue
		}
		add(rc, e.configuredTeams(rc))
	}
	for _, r := range e.codes.all() {
		if _, configured := e.dir.ReasonCode(r.Code.ID); !configured && !r.Deleted {
			add(r.Code, r.Teams)
		}
	}
	return out
}

// ReasonCodeRequest is a POST or PUT of a ReasonCode by an administrator.
type ReasonCodeRequest struct {
	Category model.ReasonCategory
	Code     int
	Label    string
	ForAll   bool
}

// CreateReasonCode adds a reason code that agents may use at once, on
// either node; it returns its id.
func (e *Engine) CreateReasonCode(ctx context.Context, actor *User, req ReasonCodeRequest) (string, error) {
	var id string
	err := e.changeCodes(ctx, actor, req, func(tx Tx) error {
		n, err := tx.NextID("reasoncode")
		for err == nil {
			if _, taken := e.dir.ReasonCode(n); !taken {
				break
			}
			n, err = tx.NextID("reasoncode")
		}
		id = n
		return err
	}, &id)
	return id, err
}

// UpdateReasonCode replaces reason code id.
func (e *Engine) UpdateReasonCode(ctx context.Context, actor *User, id string, req ReasonCodeRequest) error {
	return e.changeCodes(ctx, actor, req, nil, &id)
}

// DeleteReasonCode deletes reason code id. Agents already in a state with
// it keep it; no new change may give it.
func (e *Engine) DeleteReasonCode(ctx context.Context, actor *User, id string) error {
	if err := e.mayConfigure(actor); err != nil {
		return err
	}
	err := e.update(ctx, func(tx Tx) error {
		if err := e.claimKind(ctx, tx, "reasoncodes", e.refreshCodes); err != nil {
			return err
		}
		r, err := e.currentCode(tx, id)
		if err != nil {
			return err
		}
		r.Deleted = true
		tx.PutReasonCode(r)
		return nil
	})
	e.refreshCodes(ctx)
	return err
}

// claimKind makes a transaction that changes the administrators' records
// of one kind conflict with every other such transaction (both write the
// kind's change counter), and reloads the node's copy of the records for
// each attempt, so that the checks of uniqueness and bounds that follow
// see every committed change, whichever node made it.
func (e *Engine) claimKind(ctx context.Context, tx Tx, kind string, refresh func(context.Context)) error {
	if _, err := tx.NextID(kind + "-changes"); err != nil {
		return err
	}
	refresh(ctx)
	return nil
}

// changeConfig runs an administrator's change of one kind of record on
// copies read fresh from the Store (see claimKind), and reloads the
// node's copy of that kind after it, whatever became of the change.
func (e *Engine) changeConfig(ctx context.Context, actor *User, kind string, refresh func(context.Context), change func(Tx) error) error {
	if err := e.mayConfigure(actor); err != nil {
		return err
	}
	err := e.update(ctx, func(tx Tx) error {
		if err := e.claimKind(ctx, tx, kind, refresh); err != nil {
			return err
		}
		return change(tx)
	})
	refresh(ctx)
	var re *RequestError
	if err != nil && !errors.As(err, &re) {
		return fmt.Errorf("%s: %w", kind, err)
	}
	return err
}

// mayConfigure refuses a configuration change from anyone but an
// administrator, and on the secondary node, as Finesse does.
func (e *Engine) mayConfigure(actor *User) error {
	if err := directory.AuthorizeAdmin(actor); err != nil {
		return err
	}
	if !e.isPrimary() {
		primary, _ := e.nodePair(e.beat.members())
		return refuse(ErrForbidden, "secondary", "configuration changes are made on the primary node, "+primary.Host)
	}
	return nil
}

// currentCode reads code id as the Store has it now: an administrator's
// record, else the configured code.
func (e *Engine) currentCode(tx Tx, id string) (ReasonCodeRecord, error) {
	r, found, err := tx.ReasonCode(id)
	if err != nil {
		return r, err
	}
	if !found {
		rc, ok := e.dir.ReasonCode(id)
		if !ok {
			return r, refuse(ErrNotFound, id, "no such reason code")
		}
		r = ReasonCodeRecord{Code: rc, Teams: e.configuredTeams(rc)}
	}
	if r.Deleted {
		return r, refuse(ErrNotFound, id, "no such reason code")
	}
	return r, nil
}

// changeCodes creates (newID set) or replaces code *id with req, after
// checking it against every code as the Store has them in the same
// transaction, so that two administrators cannot make a duplicate.
func (e *Engine) changeCodes(ctx context.Context, actor *User, req ReasonCodeRequest, newID func(Tx) error, id *string) error {
	if err := e.mayConfigure(actor); err != nil {
		return err
	}
	if err := e.checkCodeRequest(req); err != nil {
		return err
	}
	err := e.update(ctx, func(tx Tx) error {
		if err := e.claimKind(ctx, tx, "reasoncodes", e.refreshCodes); err != nil {
			return err
		}
		existing, err := e.codesIn(tx)
		if err != nil {
			return err
		}
		r := ReasonCodeRecord{}
		if newID == nil {
			if r, err = e.currentCode(tx, *id); err != nil {
				return err
			}
		} else if err := newID(tx); err != nil {
			return err
		}
		if err := checkCodeClash(existing, *id, req); err != nil {
			return err
		}
		r.Code = model.ReasonCode{ID: *id, Category: req.Category, Code: req.Code, Label: req.Label, ForAll: req.ForAll}
		tx.PutReasonCode(r)
		return nil
	})
	e.refreshCodes(ctx)
	if err != nil {
		return fmt.Errorf("reason code %s: %w", *id, err)
	}
	return nil
}

// codesIn lists every live code as tx reads the administrators' records.
func (e *Engine) codesIn(tx Tx) ([]model.ReasonCode, error) {
	var out []model.ReasonCode
	for _, rc := range e.listCodes("", "") {
		r, err := e.currentCode(tx, rc.ID)
		if err == nil {
			out = append(out, r.Code)
		} else if !errors.Is(err, ErrNotFound) {
			return nil, err
		}
	}
	return out, nil
}

func (e *Engine) checkCodeRequest(req ReasonCodeRequest) error {
	top := maxReasonCodeUCCE
	if e.dir.UCCX() {
		top = maxReasonCodeUCCX
	}
	switch {
	case req.Category != model.CategoryNotReady && req.Category != model.CategoryLogout:
		return refuse(ErrInvalidInput, "category", "category is NOT_READY or LOGOUT")
	case req.Code < 1 || req.Code > top:
		return refuse(ErrInvalidInput, "code", "code is between 1 and "+strconv.Itoa(top))
	case req.Label == "":
		return refuse(ErrParameterMissing, "label", "label is required")
	case len([]rune(req.Label)) > maxReasonLabel:
		return refuse(ErrInvalidInput, "label", "label holds at most 40 characters")
	}
	return nil
}

// checkCodeClash refuses a code or label its category already has, and a
// global code over the hundred a category may hold.
func checkCodeClash(existing []model.ReasonCode, id string, req ReasonCodeRequest) error {
	global := 0
	for _, rc := range existing {
		if rc.ID == id || rc.Category != req.Category {
			continue
		}
		switch {
		case rc.Code == req.Code:
			return refuse(ErrDuplicate, "code", "code "+strconv.Itoa(req.Code)+" is taken in "+string(req.Category))
		case rc.Label == req.Label:
			return refuse(ErrDuplicate, "label", "label "+req.Label+" is taken in "+string(req.Category))
		}
		if rc.ForAll {
			global++
		}
	}
	if req.ForAll && global >= maxGlobalReasons {
		return refuse(ErrMaximumExceeded, "forAll", "a category holds at most 100 global reason codes")
	}
	return nil
}

// TeamReasonCodes lists the codes of category ("" for both) assigned to
// team: those not for all that its agents may give.
func (e *Engine) TeamReasonCodes(ctx context.Context, team string, category model.ReasonCategory) []model.ReasonCode {
	return slices.DeleteFunc(e.ReasonCodes(ctx, category, team), func(rc model.ReasonCode) bool { return rc.ForAll })
}

// AssignReasonCodes makes ids the codes of category, among those not for
// all, that team's agents may give: each named gains the team, each other
// loses it.
func (e *Engine) AssignReasonCodes(ctx context.Context, actor *User, team string, category model.ReasonCategory, ids []string) error {
	if err := e.mayAssign(actor, team); err != nil {
		return err
	}
	if category != model.CategoryNotReady && category != model.CategoryLogout {
		return refuse(ErrInvalidInput, "category", "category is NOT_READY or LOGOUT")
	}
	err := e.update(ctx, func(tx Tx) error {
		if err := e.claimKind(ctx, tx, "reasoncodes", e.refreshCodes); err != nil {
			return err
		}
		existing, err := e.codesIn(tx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			i := slices.IndexFunc(existing, func(rc model.ReasonCode) bool { return rc.ID == id })
			if i < 0 || existing[i].ForAll || existing[i].Category != category {
				return refuse(ErrInvalidInput, id, "reason code "+id+" is no "+string(category)+" code that is not for all")
			}
		}
		for _, rc := range existing {
			if rc.ForAll || rc.Category != category {
				continue
			}
			r, err := e.currentCode(tx, rc.ID)
			if err != nil {
				return err
			}
			if teams, changed := assigned(r.Teams, team, slices.Contains(ids, rc.ID)); changed {
				r.Teams = teams
				tx.PutReasonCode(r)
			}
		}
		return nil
	})
	e.refreshCodes(ctx)
	return err
}
