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
	// dialerNoAnswer is how long the dialer lets a customer's phone ring,
	// retryDelay how long a contact that reached nobody waits for its next
	// attempt.
	dialerNoAnswer = 30 * time.Second
	retryDelay     = time.Minute
	// startSteps is how much dialing a campaign's POST does itself; the
	// rest follows on the engine's timers.
	startSteps = 200
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
// contact left to try, or no agent to take one. One sweep is armed for
// when the first of its lines or retries is due.
func (e *Engine) dial(ctx context.Context, id string) {
	e.dialUpTo(ctx, id, maxDialSteps)
}

// dialUpTo is dial for at most steps transactions, reporting whether it
// stopped with work left.
func (e *Engine) dialUpTo(ctx context.Context, id string, steps int) bool {
	var first time.Time
	defer func() {
		if !first.IsZero() {
			e.timers.after(e.clock, first.Sub(e.clock.Now()), func() { e.Sweep(context.Background()) })
		}
	}()
	for range steps {
		more, wake, err := e.dialStep(ctx, id)
		if err != nil {
			slog.Error("dial campaign", "campaign", id, "err", err)
			return false
		}
		if !wake.IsZero() && (first.IsZero() || wake.Before(first)) {
			first = wake
		}
		if !more {
			return false
		}
	}
	return true
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
		if next := c.nextRetry(e.clock.Now()); !next.IsZero() && (wake.IsZero() || next.Before(wake)) {
			wake = next
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
	for i, r := range c.Retry {
		if !r.Due.After(now) {
			c.Retry = slices.Delete(slices.Clone(c.Retry), i, i+1)
			return r.Contact
		}
	}
	return 0
}

// nextRetry is when the first retry not yet due comes due, or zero.
func (c Campaign) nextRetry(now time.Time) time.Time {
	var next time.Time
	for _, r := range c.Retry {
		if r.Due.After(now) && (next.IsZero() || r.Due.Before(next)) {
			next = r.Due
		}
	}
	return next
}

// toDial counts the contacts c could call now.
func (c Campaign) toDial(now time.Time) int {
	n := max(c.Contacts-c.Next+1, 0)
	for _, r := range c.Retry {
		if !r.Due.After(now) {
			n++
		}
	}
	for _, cb := range c.Callbacks {
		if cb.Agent == "" && !cb.Due.After(now) {
			n++
		}
	}
	return n
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
		if ok, err := e.takesCalls(tx, u, a); err != nil || !ok {
			if err != nil {
				return false, err
			}
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
	number := k.Number()
	switch rule := e.dir.Dial(number); rule.Behaviour {
	case directory.DialBusy:
		attemptFailed(c, k, ContactBusy, now)
		return false
	case directory.DialInvalid:
		attemptFailed(c, k, ContactInvalid, now)
		return false
	case directory.DialAnswer:
		c.Lines = append(c.Lines, Line{Contact: k.N, Number: number, Agent: agent, Due: now.Add(rule.AnswerAfter), Answers: true})
	default:
		c.Lines = append(c.Lines, Line{Contact: k.N, Number: number, Agent: agent, Due: now.Add(dialerNoAnswer)})
	}
	k.Status, k.Agent = ContactDialed, agent
	return true
}

// attemptFailed records an attempt on k that reached nobody; the contact
// is tried again a retryDelay later unless it cannot be called or ran out
// of attempts.
func attemptFailed(c *Campaign, k *Contact, status ContactStatus, now time.Time) {
	k.Status = status
	if status != ContactInvalid && k.Attempts < c.MaxAttempts {
		c.Retry = append(c.Retry, Callback{Contact: k.N, Due: now.Add(retryDelay)})
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
	// Hold no more agents than the customers left to call and those on
	// the line could need, so the rest keep taking inbound calls.
	needed := int(math.Ceil(float64(c.toDial(now)+len(c.Lines))/c.Ratio)) - len(c.Reserved)
	for _, cand := range cands[:max(min(len(cands), maxReservePerStep, needed), 0)] {
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
