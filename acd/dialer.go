package acd

import (
	"context"
	"log/slog"
	"math"
	"slices"
	"sync"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// The dialer's bounds: a step is one transaction, so a pass over a large
// queue is many short ones rather than one that holds every agent.
const (
	maxDialSteps      = 10000
	maxReservePerStep = 50
	maxLinesPerStep   = 50
	// dialerNoAnswer is how long the dialer lets a customer's phone ring.
	dialerNoAnswer = 30 * time.Second
)

// campaignIndex knows which active campaigns dial for each queue, so that
// an agent becoming READY finds them without reading the Store. Each node
// refreshes it from the Store as its sweeper runs.
type campaignIndex struct {
	mu      sync.Mutex
	byQueue map[string][]string
}

func (x *campaignIndex) add(c Campaign) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.byQueue == nil {
		x.byQueue = map[string][]string{}
	}
	if !slices.Contains(x.byQueue[c.Queue], c.ID) {
		x.byQueue[c.Queue] = append(x.byQueue[c.Queue], c.ID)
	}
}

func (x *campaignIndex) remove(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for q, ids := range x.byQueue {
		x.byQueue[q] = slices.DeleteFunc(slices.Clone(ids), func(s string) bool { return s == id })
	}
}

func (x *campaignIndex) set(all []Campaign) {
	by := map[string][]string{}
	for _, c := range all {
		if c.Active() {
			by[c.Queue] = append(by[c.Queue], c.ID)
		}
	}
	x.mu.Lock()
	x.byQueue = by
	x.mu.Unlock()
}

func (x *campaignIndex) of(queue string) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.byQueue[queue]
}

// refreshCampaigns reloads the index from the Store, where other nodes'
// campaigns are.
func (e *Engine) refreshCampaigns(ctx context.Context) []Campaign {
	all, err := e.store.Campaigns(ctx)
	if err != nil {
		slog.Error("read campaigns", "err", err)
		return nil
	}
	e.campaigns.set(all)
	return all
}

// dialFor runs the dialer of every campaign on u's queues: u has just
// become READY and no inbound call took it.
func (e *Engine) dialFor(ctx context.Context, u *User) {
	for _, q := range u.Queues {
		for _, id := range e.campaigns.of(q.ID) {
			e.dial(ctx, id)
		}
	}
}

// dial runs campaign id's dialer until it has nothing more to do now: no
// contact left to try, or no agent to take one. One sweep is armed for the
// lines it placed, when the first of them is due.
func (e *Engine) dial(ctx context.Context, id string) {
	var first time.Time
	defer func() {
		if !first.IsZero() {
			e.timers.after(e.clock, first.Sub(e.clock.Now()), func() { e.Sweep(context.Background()) })
		}
	}()
	for range maxDialSteps {
		more, wake, err := e.dialStep(ctx, id)
		if err != nil {
			slog.Error("dial campaign", "campaign", id, "err", err)
			return
		}
		if !wake.IsZero() && (first.IsZero() || wake.Before(first)) {
			first = wake
		}
		if !more {
			return
		}
	}
}

// dialStep is one transaction of the dialer, reporting whether it did
// anything (and so whether another step may) and when the first line it
// placed is due.
func (e *Engine) dialStep(ctx context.Context, id string) (bool, time.Time, error) {
	var more bool
	var wake time.Time
	err := e.update(ctx, func(tx Tx) error {
		more, wake = false, time.Time{}
		c, found, err := tx.Campaign(id)
		if err != nil || !found || !c.Active() {
			return err
		}
		q, ok := e.dir.Queue(c.Queue)
		if !ok {
			return nil
		}
		lines := len(c.Lines)
		switch more, err = e.dialPersonal(tx, &c, q); {
		case err != nil || more:
		case c.Mode == ModePredictive:
			more, err = e.predictiveStep(tx, &c, q)
		default:
			more, err = e.reserveStep(tx, &c, q)
		}
		if more {
			tx.PutCampaign(c)
			for _, l := range c.Lines[min(lines, len(c.Lines)):] {
				if wake.IsZero() || l.Due.Before(wake) {
					wake = l.Due
				}
			}
		}
		return err
	})
	return more, wake, err
}

// takeContact takes the contact to try next off c: a regular callback
// that is due, else the next never tried, else one to try again (so a
// contact an agent passed on comes back after the others); 0 when none
// is left now.
func takeContact(c *Campaign, now time.Time) int {
	for i, cb := range c.Callbacks {
		if cb.Agent == "" && !cb.Due.After(now) {
			c.Callbacks = slices.Delete(slices.Clone(c.Callbacks), i, i+1)
			return cb.Contact
		}
	}
	if c.Next <= c.Contacts {
		c.Next++
		return c.Next - 1
	}
	if len(c.Retry) > 0 {
		n := c.Retry[0]
		c.Retry = slices.Clone(c.Retry[1:])
		return n
	}
	return 0
}

// dialPersonal reserves, for a personal callback that is due, the agent
// who scheduled it, once that agent can take it.
func (e *Engine) dialPersonal(tx Tx, c *Campaign, q *Queue) (bool, error) {
	now := e.clock.Now()
	for i, cb := range c.Callbacks {
		if cb.Agent == "" || cb.Due.After(now) {
			continue
		}
		u, ok := e.dir.UserByID(cb.Agent)
		if !ok {
			continue
		}
		a, err := tx.Agent(cb.Agent)
		if err != nil {
			return false, err
		}
		if !routable(a) {
			continue
		}
		k, found, err := tx.Contact(c.ID, cb.Contact)
		if err != nil || !found {
			return false, err
		}
		c.Callbacks = slices.Delete(slices.Clone(c.Callbacks), i, i+1)
		return true, e.reservePreview(tx, *c, q, k, candidate{user: u, agent: a}, true)
	}
	return false, nil
}

// reserveStep gives the next contact to the queue's next agent: preview
// modes show it on the agent's desktop, progressive dials it at once.
func (e *Engine) reserveStep(tx Tx, c *Campaign, q *Queue) (bool, error) {
	n := takeContact(c, e.clock.Now())
	if n == 0 {
		return false, nil
	}
	cands, err := e.pickAgents(tx, q)
	if err != nil || len(cands) == 0 {
		return false, err
	}
	k, found, err := tx.Contact(c.ID, n)
	if err != nil || !found {
		return found, err
	}
	if c.Mode.previews() {
		return true, e.reservePreview(tx, *c, q, k, cands[0], false)
	}
	if !e.placeLine(c, &k, cands[0].user.ID) {
		tx.PutContact(k)
		return true, nil
	}
	tx.PutContact(k)
	return true, e.holdForCustomer(tx, cands[0])
}

// holdForCustomer reserves an agent for a customer the dialer is calling.
func (e *Engine) holdForCustomer(tx Tx, cand candidate) error {
	a := e.enter(cand.agent, model.StateReservedOutbound, "")
	tx.PutAgent(a)
	return e.emitUser(tx, cand.user, a, "")
}

// placeLine calls contact k, for agent when it is held for this customer
// ("" for a predictive line). A number the dial plan says is busy or
// invalid fails at once and is not a line: placeLine reports false.
func (e *Engine) placeLine(c *Campaign, k *Contact, agent string) bool {
	now := e.clock.Now()
	k.Attempts++
	k.Updated = now
	switch rule := e.dir.Dial(k.Number()); rule.Behaviour {
	case directory.DialBusy:
		attemptFailed(c, k, ContactBusy)
		return false
	case directory.DialInvalid:
		attemptFailed(c, k, ContactInvalid)
		return false
	case directory.DialAnswer:
		c.Lines = append(c.Lines, Line{Contact: k.N, Agent: agent, Due: now.Add(rule.AnswerAfter), Answers: true})
	default:
		c.Lines = append(c.Lines, Line{Contact: k.N, Agent: agent, Due: now.Add(dialerNoAnswer)})
	}
	k.Status, k.Agent = ContactDialed, agent
	return true
}

// attemptFailed records an attempt on k that reached nobody; the contact
// is tried again later unless it cannot be called or ran out of attempts.
func attemptFailed(c *Campaign, k *Contact, status ContactStatus) {
	k.Status = status
	if status != ContactInvalid && k.Attempts < c.MaxAttempts {
		c.Retry = append(c.Retry, k.N)
	}
}

// remaining reports whether c has a contact to try now.
func (c Campaign) remaining(now time.Time) bool {
	probe := c.Clone()
	return takeContact(&probe, now) != 0
}

// predictiveStep holds READY agents of the queue for the campaign and
// dials Ratio lines for each agent held, less those already out.
func (e *Engine) predictiveStep(tx Tx, c *Campaign, q *Queue) (bool, error) {
	now := e.clock.Now()
	held, err := e.stillHeld(tx, c.Reserved)
	if err != nil {
		return false, err
	}
	more := len(held) != len(c.Reserved)
	c.Reserved = held
	if !c.remaining(now) {
		if len(c.Lines) > 0 || len(c.Reserved) == 0 {
			return more, nil
		}
		// Nothing left to dial and no customer coming: let them go.
		_, err := e.releaseReserved(tx, c.Reserved)
		c.Reserved = nil
		return true, err
	}
	cands, err := e.available(tx, q, false)
	if err != nil {
		return false, err
	}
	for _, cand := range cands[:min(len(cands), maxReservePerStep)] {
		if err := e.holdForCustomer(tx, cand); err != nil {
			return false, err
		}
		c.Reserved = append(c.Reserved, cand.user.ID)
		more = true
	}
	want := int(math.Ceil(c.Ratio*float64(len(c.Reserved)))) - len(c.Lines)
	for placed := 0; placed < min(want, maxLinesPerStep); placed++ {
		n := takeContact(c, now)
		if n == 0 {
			break
		}
		k, found, err := tx.Contact(c.ID, n)
		if err != nil {
			return false, err
		}
		if found {
			e.placeLine(c, &k, "")
			tx.PutContact(k)
		}
		more = true
	}
	return more, nil
}

// stillHeld keeps of ids the agents still waiting for a customer: an
// agent may leave RESERVED_OUTBOUND meanwhile (UCCE lets it).
func (e *Engine) stillHeld(tx Tx, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	agents, err := tx.AgentsOf(ids)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range agents {
		if a.State == model.StateReservedOutbound && len(a.Dialogs) == 0 {
			out = append(out, a.ID)
		}
	}
	return out, nil
}
