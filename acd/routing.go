package acd

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/finessed/finessed/model"
)

// CallRequest is a customer call the simulator's API brings in.
type CallRequest struct {
	Queue     string
	ANI       string
	DNIS      string
	Variables []model.CallVariable
	Preroute  bool
}

// maxCallVariable is Finesse's limit for callVariable1..10 values.
const maxCallVariable = 40

// InjectCall brings a customer call into its queue (or, when it names
// none, the queue its DNIS is the dialed number of) and routes it at once
// when an agent of the queue is READY. It returns the call as it stands
// after routing.
func (e *Engine) InjectCall(ctx context.Context, req CallRequest) (Call, error) {
	q, ok := e.dir.Queue(req.Queue)
	if req.Queue == "" {
		if q, ok = e.dir.QueueDialedAt(req.DNIS); !ok {
			return Call{}, refuse(ErrNotFound, req.DNIS, "no queue has this dialed number")
		}
	}
	if !ok {
		return Call{}, refuse(ErrNotFound, req.Queue, "no such queue")
	}
	if err := checkVariables(req.Variables); err != nil {
		return Call{}, err
	}
	var call Call
	err := e.update(ctx, func(tx Tx) error {
		id, err := tx.NextID("call")
		if err != nil {
			return err
		}
		call = Call{
			ID: id, Queue: q.ID, ANI: req.ANI, DNIS: req.DNIS, Variables: req.Variables,
			Preroute: req.Preroute, State: CallQueued, Enqueued: e.clock.Now(),
		}
		waiting, err := tx.Waiting(q.ID)
		if err != nil {
			return err
		}
		tx.PutCall(call)
		tx.PutWaiting(q.ID, append(waiting, id))
		return nil
	})
	if err != nil {
		return Call{}, fmt.Errorf("inject call into queue %s: %w", q.ID, err)
	}
	e.route(ctx, q)
	if c, found, err := e.store.Call(ctx, call.ID); err == nil && found {
		call = c
	}
	return call, nil
}

// checkVariables refuses variables a new call may not carry: over the
// bounds Finesse keeps (every caller of the engine, not only REST, is held
// to them), or not a call variable or ECC name.
func checkVariables(vars []model.CallVariable) error {
	if err := CheckVariableBounds(vars); err != nil {
		return err
	}
	for _, v := range vars {
		n, isCV := strings.CutPrefix(v.Name, "callVariable")
		switch {
		case isCV && n >= "1" && n <= "9" && len(n) == 1, v.Name == "callVariable10":
			if len(v.Value) > maxCallVariable {
				return refuse(ErrInvalidInput, v.Name, "call variables hold at most 40 bytes")
			}
		case strings.HasPrefix(v.Name, "user.") && len(v.Name) > len("user."):
		default:
			return refuse(ErrInvalidInput, v.Name, "call variables are callVariable1..10 or user.* (ECC)")
		}
	}
	return nil
}

// route offers the queue's waiting calls, oldest first, to its READY
// agents, longest available first, until one or the other runs out. Each
// offer is one transaction, so an agent is reserved for one call at most,
// however many routings run at once.
func (e *Engine) route(ctx context.Context, q *Queue) {
	for {
		offered, pickup, err := e.offerNext(ctx, q)
		if err != nil {
			slog.Error("route", "queue", q.ID, "err", err)
			return
		}
		if !offered {
			return
		}
		e.timers.after(e.clock, e.dir.Settings.RingNoAnswer, func() { e.Sweep(context.Background()) })
		e.awaitPickup(ctx, pickup)
	}
}

// awaitPickup has a mobile agent's phone answer the call offered in
// dialog d when it picks up: at once on a nailed connection, else when
// its answer time comes (a sweep does it if this node is gone by then).
func (e *Engine) awaitPickup(ctx context.Context, d Dialog) {
	switch wait := d.AnswerDeadline.Sub(e.clock.Now()); {
	case d.AnswerDeadline.IsZero():
	case wait <= 0:
		e.answerOnPhone(ctx, d.ID)
	default:
		e.timers.after(e.clock, wait, func() { e.Sweep(context.Background()) })
	}
}

// offerNext offers the queue's oldest waiting call to its longest
// available agent, reporting whether it did and the dialog it offered.
func (e *Engine) offerNext(ctx context.Context, q *Queue) (bool, Dialog, error) {
	var offered bool
	var d Dialog
	err := e.update(ctx, func(tx Tx) error {
		offered, d = false, Dialog{}
		waiting, err := tx.Waiting(q.ID)
		if err != nil || len(waiting) == 0 {
			return err
		}
		call, found, err := tx.Call(waiting[0])
		if err != nil {
			return err
		}
		if !found || call.State != CallQueued {
			tx.PutWaiting(q.ID, waiting[1:])
			offered = true // not an offer, but look at the next call
			return nil
		}
		agents, err := e.pickAgents(tx, q)
		if err != nil || len(agents) == 0 {
			return err
		}
		if agents, err = e.reachAgents(tx, agents); err != nil {
			return err
		}
		offered = true // an agent was offered the call, or is out of reach now
		if len(agents) == 0 {
			return nil
		}
		tx.PutWaiting(q.ID, waiting[1:])
		d, err = e.offer(tx, q, call, agents)
		return err
	})
	return offered, d, err
}

// offer reserves agents for call: each goes RESERVED and its phone rings
// (the dialog ALERTING on its Dialogs node) until one answers or the
// ring-no-answer time runs out. Only ring-all offers to more than one.
func (e *Engine) offer(tx Tx, q *Queue, call Call, agents []candidate) (Dialog, error) {
	id, err := tx.NextID("dialog")
	if err != nil {
		return Dialog{}, err
	}
	now := e.clock.Now()
	callType := "ACD_IN"
	switch {
	case call.Transferred:
		callType = "TRANSFER"
	case call.Preroute:
		callType = "PREROUTE_ACD_IN"
	}
	// toAddress is the number the customer dialed; a call injected
	// without one reached the agent as if dialed directly.
	to := call.DNIS
	if to == "" {
		to = agents[0].agent.Extension
	}
	d := Dialog{
		ID: id, CallID: call.ID, CallType: callType, From: call.ANI, To: to,
		DialedNumber: call.DNIS, DNIS: call.DNIS, Queue: q.ID, QueueName: q.Name,
		Variables: call.Variables, State: DialogAlerting, Created: now,
		// The caller is INITIATED until an agent answers, as captured.
		Parties: []Party{{Address: call.ANI, State: PartyInitiated, Start: call.Enqueued, Changed: now}},
	}
	for _, c := range agents {
		d.Parties = append(d.Parties, Party{
			Address: c.agent.Extension, AddressType: "AGENT_DEVICE", Agent: c.user.ID, State: PartyAlerting, Start: now, Changed: now,
		})
		if after, picks := e.phonePickup(c.agent.Mobile); picks && (d.AnswerDeadline.IsZero() || now.Add(after).Before(d.AnswerDeadline)) {
			d.AnswerDeadline = now.Add(after)
		}
	}
	call.State, call.DialogID, call.Agent = CallAlerting, id, ""
	if len(agents) == 1 {
		call.Agent = agents[0].user.ID
	}
	call.RingDeadline = now.Add(e.dir.Settings.RingNoAnswer)
	tx.PutCall(call)
	tx.PutDialog(d)
	for _, c := range agents {
		a := e.enter(c.agent, model.StateReserved, "")
		a.Dialogs = append(a.Dialogs, id)
		tx.PutAgent(a)
		if err := e.emitUser(tx, c.user, a, ""); err != nil {
			return Dialog{}, err
		}
		tx.Emit(e.dialogAdded(c.user.ID, d, ""))
	}
	return d, nil
}

// routeFor routes every queue of an agent that has just become READY,
// in the order its next call should come from: highest queue priority
// first, then the queue whose oldest call has waited longest.
func (e *Engine) routeFor(ctx context.Context, u *User) {
	queues := u.Queues
	if len(queues) > 1 {
		queues = e.byPriority(ctx, queues)
	}
	for _, q := range queues {
		e.route(ctx, q)
	}
	e.dialFor(ctx, u)
}

// byPriority sorts queues by priority, then by how long their oldest
// call has waited; queues with no call come last.
func (e *Engine) byPriority(ctx context.Context, queues []*Queue) []*Queue {
	oldest := map[string]time.Time{}
	err := e.update(ctx, func(tx Tx) error {
		for _, q := range queues {
			waiting, err := tx.Waiting(q.ID)
			if err != nil || len(waiting) == 0 {
				continue
			}
			if c, found, err := tx.Call(waiting[0]); err == nil && found {
				oldest[q.ID] = c.Enqueued
			}
		}
		return nil
	})
	if err != nil {
		return queues
	}
	sorted := slices.Clone(queues)
	slices.SortStableFunc(sorted, func(a, b *Queue) int {
		ta, aw := oldest[a.ID]
		tb, bw := oldest[b.ID]
		switch {
		case aw != bw:
			if aw {
				return -1
			}
			return 1
		case a.Priority != b.Priority:
			return cmp.Compare(b.Priority, a.Priority)
		}
		return ta.Compare(tb)
	})
	return sorted
}

// Call reads customer call id.
func (e *Engine) Call(ctx context.Context, id string) (Call, bool, error) {
	return e.store.Call(ctx, id)
}

// Calls lists every customer call the simulator knows, ended ones too, in
// the order they came in.
func (e *Engine) Calls(ctx context.Context) ([]Call, error) {
	calls, err := e.store.Calls(ctx)
	slices.SortFunc(calls, func(a, b Call) int {
		return cmp.Or(cmp.Compare(len(a.ID), len(b.ID)), strings.Compare(a.ID, b.ID))
	})
	return calls, err
}

// routeIfReady routes the queues of each agent that is READY, as an agent
// is again when a call ends without wrap-up: a call waiting for it is
// offered at once, as when it becomes READY by request or by its wrap-up
// timer.
func (e *Engine) routeIfReady(ctx context.Context, agents ...string) {
	for _, id := range agents {
		u, ok := e.dir.UserByID(id)
		if !ok {
			continue
		}
		if a, err := e.store.Agent(ctx, id); err == nil && a.State == model.StateReady {
			e.routeFor(ctx, u)
		}
	}
}
