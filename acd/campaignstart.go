package acd

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"time"
	// Contacts name their time zones; the server may run where the
	// system has no zone database (a scratch container).
	_ "time/tzdata"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// CampaignRequest is a POST of an outbound campaign to the simulator.
type CampaignRequest struct {
	Name              string
	Mode              CampaignMode
	Queue             string
	Ratio             float64 // predictive only; 0 means the default
	PersonalCallbacks bool
	MaxAttempts       int // 0 means the default
	Contacts          []ContactRequest
}

// ContactRequest is one contact of a CampaignRequest.
type ContactRequest struct {
	PhoneNumber, FirstName, LastName, AccountNumber, TimeZone string
}

// The bounds of a campaign. An account number is BAAccountNumber, which
// holds 30 characters.
const (
	maxCampaignContacts = 10000
	maxCampaignName     = 64
	maxContactName      = 64
	maxAccountNumber    = 30
	defaultRatio        = 1.5
	maxRatio            = 10
	defaultMaxAttempts  = 3
	maxMaxAttempts      = 10
)

// checkCampaign refuses a request the dialer could not run, naming the
// field that is wrong.
func (e *Engine) checkCampaign(req *CampaignRequest) error {
	switch {
	case req.Name == "":
		return refuse(ErrParameterMissing, "name", "name is required")
	case len(req.Name) > maxCampaignName:
		return refuse(ErrInvalidInput, "name", fmt.Sprintf("name holds at most %d characters", maxCampaignName))
	case req.Mode == "":
		return refuse(ErrParameterMissing, "mode", "mode is required")
	case !req.Mode.Valid():
		return refuse(ErrInvalidInput, "mode", "mode is PREVIEW, DIRECT_PREVIEW, PROGRESSIVE or PREDICTIVE")
	case req.Queue == "":
		return refuse(ErrParameterMissing, "queue", "queue is required")
	case math.IsNaN(req.Ratio) || req.Ratio < 0 || req.Ratio > maxRatio || (req.Ratio != 0 && req.Ratio < 1):
		return refuse(ErrInvalidInput, "ratio", fmt.Sprintf("ratio is between 1 and %d lines an agent", maxRatio))
	case req.MaxAttempts < 0 || req.MaxAttempts > maxMaxAttempts:
		return refuse(ErrInvalidInput, "maxAttempts", fmt.Sprintf("maxAttempts is between 1 and %d", maxMaxAttempts))
	case len(req.Contacts) == 0:
		return refuse(ErrParameterMissing, "contacts", "a campaign needs at least one Contact")
	case len(req.Contacts) > maxCampaignContacts:
		return refuse(ErrInvalidInput, "contacts", fmt.Sprintf("a campaign holds at most %d contacts", maxCampaignContacts))
	}
	if _, ok := e.dir.Queue(req.Queue); !ok {
		return refuse(ErrNotFound, "queue", "no such queue "+req.Queue)
	}
	req.Ratio = cmp.Or(req.Ratio, defaultRatio)
	req.MaxAttempts = cmp.Or(req.MaxAttempts, defaultMaxAttempts)
	for i, c := range req.Contacts {
		if err := checkContact(c); err != nil {
			err.Field = fmt.Sprintf("contacts/Contact[%d]/%s", i+1, err.Field)
			return err
		}
	}
	return nil
}

func checkContact(c ContactRequest) *RequestError {
	bad := func(kind error, field, detail string) *RequestError {
		return &RequestError{Kind: kind, Field: field, Detail: detail}
	}
	switch {
	case c.PhoneNumber == "":
		return bad(ErrParameterMissing, "phoneNumber", "phoneNumber is required")
	case !directory.IsDialString(c.PhoneNumber):
		return bad(ErrInvalidInput, "phoneNumber", "phoneNumber is digits, with an optional leading +")
	case len(c.FirstName) > maxContactName:
		return bad(ErrInvalidInput, "firstName", fmt.Sprintf("firstName holds at most %d characters", maxContactName))
	case len(c.LastName) > maxContactName:
		return bad(ErrInvalidInput, "lastName", fmt.Sprintf("lastName holds at most %d characters", maxContactName))
	case len(c.AccountNumber) > maxAccountNumber:
		return bad(ErrInvalidInput, "accountNumber", fmt.Sprintf("accountNumber holds at most %d characters", maxAccountNumber))
	}
	if c.TimeZone != "" {
		if _, err := time.LoadLocation(c.TimeZone); err != nil {
			return bad(ErrInvalidInput, "timeZone", "timeZone is an IANA zone name such as America/New_York")
		}
	}
	return nil
}

// StartCampaign creates a campaign and starts dialing it at once.
func (e *Engine) StartCampaign(ctx context.Context, req CampaignRequest) (Campaign, error) {
	if err := e.checkCampaign(&req); err != nil {
		return Campaign{}, err
	}
	var c Campaign
	err := e.update(ctx, func(tx Tx) error {
		id, err := tx.NextID("campaign")
		if err != nil {
			return err
		}
		c = Campaign{
			ID: id, Name: req.Name, Mode: req.Mode, Queue: req.Queue, Ratio: req.Ratio, Created: e.clock.Now(),
			PersonalCallbacks: req.PersonalCallbacks, MaxAttempts: req.MaxAttempts, Contacts: len(req.Contacts), Next: 1,
		}
		tx.PutCampaign(c)
		for i, r := range req.Contacts {
			tx.PutContact(Contact{
				Campaign: id, N: i + 1, PhoneNumber: r.PhoneNumber, FirstName: r.FirstName, LastName: r.LastName,
				AccountNumber: r.AccountNumber, TimeZone: r.TimeZone, Status: ContactPending, Updated: c.Created,
			})
		}
		return nil
	})
	if err != nil {
		return Campaign{}, fmt.Errorf("start campaign %q: %w", req.Name, err)
	}
	e.campaigns.add(c)
	if e.dialUpTo(ctx, c.ID, startSteps) {
		// A long first pass (many numbers that fail at once) goes on
		// after the answer, on the engine's timers.
		e.timers.after(e.clock, 0, func() { e.dial(context.Background(), c.ID) })
	}
	c, _, err = e.CampaignStatus(ctx, c.ID)
	return c, err
}

// CampaignStatus reads campaign id and its contacts, in their order.
func (e *Engine) CampaignStatus(ctx context.Context, id string) (Campaign, []Contact, error) {
	all, err := e.store.Campaigns(ctx)
	if err != nil {
		return Campaign{}, nil, err
	}
	i := slices.IndexFunc(all, func(c Campaign) bool { return c.ID == id })
	if i < 0 {
		return Campaign{}, nil, refuse(ErrNotFound, id, "no such campaign")
	}
	contacts, err := e.store.Contacts(ctx, id)
	slices.SortFunc(contacts, func(a, b Contact) int { return cmp.Compare(a.N, b.N) })
	return all[i], contacts, err
}

// Campaigns lists every campaign, stopped ones too, oldest first.
func (e *Engine) Campaigns(ctx context.Context) ([]Campaign, error) {
	all, err := e.store.Campaigns(ctx)
	slices.SortFunc(all, func(a, b Campaign) int {
		return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), cmp.Compare(a.ID, b.ID))
	})
	return all, err
}

// StopCampaign stops dialing campaign id: the agents it holds for
// customers not yet reached, and those it offered a preview they have not
// accepted, go back to READY (or the state they asked for), and those
// contacts are pending again. Calls already placed go on to their end.
func (e *Engine) StopCampaign(ctx context.Context, id string) (Campaign, error) {
	var released []string
	err := e.update(ctx, func(tx Tx) error {
		released = nil
		c, found, err := tx.Campaign(id)
		if err != nil {
			return err
		}
		if !found {
			return refuse(ErrNotFound, id, "no such campaign")
		}
		if !c.Active() {
			return nil
		}
		c.Stopped = e.clock.Now()
		for _, l := range c.Lines {
			if err := e.setContact(tx, id, l.Contact, func(k *Contact) { k.Status = ContactPending }); err != nil {
				return err
			}
		}
		holders := c.Reserved
		for _, l := range c.Lines {
			holders = append(holders, l.Agent)
		}
		c.Lines, c.Reserved = nil, nil
		tx.PutCampaign(c)
		released, err = e.releaseReserved(tx, holders)
		return err
	})
	if err != nil {
		return Campaign{}, fmt.Errorf("stop campaign %s: %w", id, err)
	}
	// Stopped, the campaign reserves no more: the previews listed now are
	// all there will be.
	contacts, err := e.store.Contacts(ctx, id)
	var withdrawn []string
	if err == nil {
		err = e.update(ctx, func(tx Tx) error {
			withdrawn, err = e.withdrawPreviews(tx, contacts)
			return err
		})
	}
	if err != nil {
		return Campaign{}, fmt.Errorf("stop campaign %s: withdraw previews: %w", id, err)
	}
	released = append(released, withdrawn...)
	e.campaigns.remove(id)
	e.routeIfReady(ctx, released...)
	c, _, err := e.CampaignStatus(ctx, id)
	return c, err
}

// withdrawPreviews ends the preview reservations of contacts that are
// still waiting for the agent's answer, returning those agents.
func (e *Engine) withdrawPreviews(tx Tx, contacts []Contact) ([]string, error) {
	var agents []string
	for _, k := range contacts {
		if k.Status != ContactReserved || k.Dialog == "" {
			continue
		}
		d, found, err := tx.Dialog(k.Dialog)
		if err != nil {
			return nil, err
		}
		if !found || !d.Outbound.Reservation || d.State == DialogDropped {
			continue
		}
		agents = append(agents, agentsOn(d)...)
		if err := e.hangUp(tx, d, "", ""); err != nil {
			return nil, err
		}
	}
	return agents, nil
}

// releaseReserved puts back to READY those of agents the dialer still
// holds (RESERVED_OUTBOUND with no call), returning them.
func (e *Engine) releaseReserved(tx Tx, agents []string) ([]string, error) {
	var out []string
	for _, id := range agents {
		if id == "" || slices.Contains(out, id) {
			continue
		}
		a, err := tx.Agent(id)
		if err != nil {
			return nil, err
		}
		u, ok := e.dir.UserByID(id)
		if !ok || a.State != model.StateReservedOutbound || len(a.Dialogs) > 0 {
			continue
		}
		a = e.afterReservation(tx, a)
		tx.PutAgent(a)
		if err := e.emitUser(tx, u, a, ""); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// afterReservation is where an agent goes when the dialer lets it go
// without a call: the state it asked for meanwhile, else READY.
func (e *Engine) afterReservation(tx Tx, a Agent) Agent {
	switch a.PendingState {
	case model.StateNotReady:
		return e.enter(a, model.StateNotReady, reasonOrNone(a.PendingReasonCodeID))
	case model.StateLogout:
		return e.signOut(tx, a, reasonOrNone(a.PendingReasonCodeID))
	}
	return e.enter(a, model.StateReady, "")
}

// setContact changes contact n of campaign as change says.
func (e *Engine) setContact(tx Tx, campaign string, n int, change func(*Contact)) error {
	k, found, err := tx.Contact(campaign, n)
	if err != nil || !found {
		return err
	}
	change(&k)
	k.Updated = e.clock.Now()
	tx.PutContact(k)
	return nil
}
