package acd

import (
	"context"
	"log/slog"
	"slices"

	"github.com/finessed/finessed/model"
)

// sweepCampaigns settles the dialer's lines whose outcome is due and runs
// every active campaign's dialer (callbacks come due with time, not with
// an agent's change).
func (e *Engine) sweepCampaigns(ctx context.Context) {
	now := e.clock.Now()
	for _, c := range e.refreshCampaigns(ctx) {
		if !c.Active() {
			continue
		}
		for _, l := range c.Lines {
			if !l.Due.After(now) {
				e.lineDue(ctx, c.ID, l.Contact)
			}
		}
		e.dial(ctx, c.ID)
	}
}

// lineDue settles the dialer's call to contact n: nobody answered, or
// the customer answered and is connected to an agent held for it
// (abandoned when none is left).
func (e *Engine) lineDue(ctx context.Context, campaign string, n int) {
	var released []string
	err := e.update(ctx, func(tx Tx) error {
		released = nil
		c, found, err := tx.Campaign(campaign)
		if err != nil || !found {
			return err
		}
		now := e.clock.Now()
		i := slices.IndexFunc(c.Lines, func(l Line) bool { return l.Contact == n && !l.Due.After(now) })
		if i < 0 {
			return nil
		}
		line := c.Lines[i]
		c.Lines = slices.Delete(slices.Clone(c.Lines), i, i+1)
		k, found, err := tx.Contact(campaign, n)
		if err != nil || !found {
			return err
		}
		defer func() { tx.PutCampaign(c); tx.PutContact(k) }()
		if !line.Answers {
			attemptFailed(&c, &k, ContactNoAnswer)
			released, err = e.releaseReserved(tx, []string{line.Agent})
			return err
		}
		cand, err := e.agentForCustomer(tx, &c, line)
		if err != nil || cand == nil {
			attemptFailed(&c, &k, ContactAbandoned)
			return err
		}
		return e.connectOutbound(tx, c, &k, *cand)
	})
	if err != nil {
		slog.Error("dialer line", "campaign", campaign, "contact", n, "err", err)
		return
	}
	e.routeIfReady(ctx, released...)
}

// agentForCustomer is the agent an answered customer goes to: the one
// held for it (progressive), else the first of the campaign's held agents
// still waiting (predictive); nil when none is.
func (e *Engine) agentForCustomer(tx Tx, c *Campaign, line Line) (*candidate, error) {
	ids := c.Reserved
	if line.Agent != "" {
		ids = []string{line.Agent}
	}
	held, err := e.stillHeld(tx, ids)
	if err != nil || len(held) == 0 {
		return nil, err
	}
	id := held[0]
	c.Reserved = slices.DeleteFunc(slices.Clone(c.Reserved), func(s string) bool { return s == id })
	u, ok := e.dir.UserByID(id)
	if !ok {
		return nil, nil
	}
	a, err := tx.Agent(id)
	return &candidate{user: u, agent: a}, err
}

// connectOutbound puts an answered customer through to the agent held for
// it: a new OUTBOUND dialog, both parties ACTIVE, the agent TALKING, and
// a customer call the simulator's API can hang up.
func (e *Engine) connectOutbound(tx Tx, c Campaign, k *Contact, cand candidate) error {
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
	ext, number := cand.agent.Extension, k.Number()
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
