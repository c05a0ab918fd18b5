package acd

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/finessed/finessed/model"
)

// sweepCampaigns settles the dialer's lines whose outcome is due and runs
// every active campaign's dialer (callbacks come due with time, not with
// an agent's change).
func (e *Engine) sweepCampaigns(ctx context.Context) {
	for _, c := range e.refreshCampaigns(ctx) {
		if c.Active() {
			e.settleLines(ctx, c.ID)
			e.dial(ctx, c.ID)
		}
	}
}

// settleLines settles every line of campaign id whose outcome is due, a
// batch a transaction, and arms a sweep for the next line to come due.
func (e *Engine) settleLines(ctx context.Context, id string) {
	for range maxDialSteps {
		more, next, released, err := e.settleStep(ctx, id)
		if err != nil {
			slog.Error("dialer lines", "campaign", id, "err", err)
			return
		}
		e.routeIfReady(ctx, released...)
		if !more {
			if !next.IsZero() {
				e.timers.after(e.clock, next.Sub(e.clock.Now()), func() { e.Sweep(context.Background()) })
			}
			return
		}
	}
}

// settleStep settles up to maxLinesPerStep due lines: a customer nobody
// reached frees the agent held for it; one who answered is put through to
// an agent held for it, or abandoned when none is left. It reports
// whether it settled any, when the first line it left is due, and the
// agents it let go.
func (e *Engine) settleStep(ctx context.Context, id string) (bool, time.Time, []string, error) {
	var more bool
	var next time.Time
	var released []string
	err := e.update(ctx, func(tx Tx) error {
		more, next, released = false, time.Time{}, nil
		c, found, err := tx.Campaign(id)
		if err != nil || !found {
			return err
		}
		now := e.clock.Now()
		var kept []Line
		settled := 0
		for _, l := range c.Lines {
			if l.Due.After(now) || settled == maxLinesPerStep {
				kept = append(kept, l)
				if next.IsZero() || l.Due.Before(next) {
					next = l.Due
				}
				continue
			}
			more = true
			settled++
			freed, err := e.settleLine(tx, &c, l)
			if err != nil {
				return err
			}
			released = append(released, freed...)
		}
		if more {
			c.Lines = kept
			tx.PutCampaign(c)
		}
		return nil
	})
	return more, next, released, err
}

// settleLine settles one due line of c, returning the agents it freed.
func (e *Engine) settleLine(tx Tx, c *Campaign, line Line) ([]string, error) {
	k, found, err := tx.Contact(c.ID, line.Contact)
	if err != nil || !found {
		return nil, err
	}
	defer func() { tx.PutContact(k) }()
	if !line.Answers {
		attemptFailed(c, &k, ContactNoAnswer, e.clock.Now())
		return e.releaseReserved(tx, []string{line.Agent})
	}
	cand, err := e.agentForCustomer(tx, c, line)
	if err != nil || cand == nil {
		attemptFailed(c, &k, ContactAbandoned, e.clock.Now())
		return nil, err
	}
	return nil, e.connectOutbound(tx, *c, &k, *cand, line.Number)
}

// agentForCustomer is the agent an answered customer goes to: the one
// held for it (progressive), else the first of the campaign's held agents
// still waiting (predictive), which it takes off c.Reserved with those
// that left meanwhile; nil when none is.
func (e *Engine) agentForCustomer(tx Tx, c *Campaign, line Line) (*candidate, error) {
	ids := c.Reserved
	if line.Agent != "" {
		ids = []string{line.Agent}
	}
	for i, id := range ids {
		a, err := tx.Agent(id)
		if err != nil {
			return nil, err
		}
		if a.State != model.StateReservedOutbound || len(a.Dialogs) > 0 {
			continue
		}
		if line.Agent == "" {
			c.Reserved = slices.Clone(c.Reserved[i+1:])
		}
		u, ok := e.dir.UserByID(id)
		if !ok {
			return nil, nil
		}
		return &candidate{user: u, agent: a}, nil
	}
	if line.Agent == "" {
		c.Reserved = nil
	}
	return nil, nil
}

// connectOutbound puts an answered customer through to the agent held for
// it: a new OUTBOUND dialog, both parties ACTIVE, the agent TALKING, and
// a customer call the simulator's API can hang up.
func (e *Engine) connectOutbound(tx Tx, c Campaign, k *Contact, cand candidate, number string) error {
	dialogID, err := tx.NextID("dialog")
	if err != nil {
		return err
	}
	callID, err := tx.NextID("call")
	if err != nil {
		return err
	}
	q, _ := e.dir.Queue(c.Queue)
	now := e.clock.Now()
	ext := cand.agent.Extension
	d := Dialog{
		ID: dialogID, CallID: callID, CallType: callTypeOutbound, From: ext, To: number, DialedNumber: number,
		Queue: c.Queue, QueueName: q.Name, State: DialogActive, Created: now,
		Variables: baVariables(c, *k, baStatus(c.Mode, false), e.dir.UCCX()),
		Parties: []Party{
			{Address: ext, AddressType: "AGENT_DEVICE", Agent: cand.user.ID, State: PartyActive, Start: now, Changed: now},
			{Address: number, State: PartyActive, Start: now, Changed: now},
		},
		Outbound: OutboundLeg{Campaign: c.ID, Contact: k.N, Mode: c.Mode, Number: number, TimeZone: k.TimeZone},
	}
	tx.PutCall(Call{
		ID: callID, Queue: c.Queue, ANI: number, State: CallConnected, DialogID: dialogID,
		Agent: cand.user.ID, Enqueued: now,
	})
	tx.PutDialog(d)
	a := e.enterOnCall(cand.agent, model.StateTalking)
	a.Dialogs = append(a.Dialogs, dialogID)
	tx.PutAgent(a)
	k.Status, k.Agent, k.Dialog, k.Call = ContactAnswered, cand.user.ID, dialogID, callID
	tx.Emit(e.dialogAdded(cand.user.ID, d, ""))
	return e.emitUser(tx, cand.user, a, "")
}
