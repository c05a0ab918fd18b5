package acd

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/finessed/finessed/model"
)

// Sweep fires every deadline that has come due: desktops gone for the
// grace period, calls that rang out (ring-no-answer) and wrap-ups whose
// timer ran out. Deadlines live with their entities, so any node may
// sweep, including one that takes over after another died.
func (e *Engine) Sweep(ctx context.Context) {
	e.sweeps.run(func() {
		e.SweepAway(ctx)
		e.sweepRinging(ctx)
		e.sweepAnswers(ctx)
		e.sweepWrapUps(ctx)
		e.sweepEnded(ctx)
		e.sweepDesktops(ctx)
		e.sweepTeamMessages(ctx)
		e.sweepCampaigns(ctx)
		e.sweepPreviews(ctx)
		e.sweepTasks(ctx)
	})
}

// endedRetention is how long an ended call or dialog stays readable (GET
// /acd/Call/{id}, GET /finesse/api/Dialog/{id}) before it is removed, so
// that the store and every sweep do not grow with the server's lifetime.
const endedRetention = 10 * time.Minute

// sweepEnded removes the calls and dialogs that ended longer ago than
// endedRetention. The listing only nominates them: each is checked again
// inside the transaction that deletes it, so a concurrent change wins.
func (e *Engine) sweepEnded(ctx context.Context) {
	cutoff := e.clock.Now().Add(-endedRetention)
	callGone := func(c Call) bool { return c.State == CallEnded && c.Ended.Before(cutoff) }
	dialogGone := func(d Dialog) bool {
		return !d.Ended.IsZero() && d.Ended.Before(cutoff) && len(watchers(d)) == 0
	}
	calls, err := e.store.Calls(ctx)
	if err != nil {
		return
	}
	dialogs, err := e.store.Dialogs(ctx)
	if err != nil {
		return
	}
	calls = slices.DeleteFunc(calls, func(c Call) bool { return !callGone(c) })
	dialogs = slices.DeleteFunc(dialogs, func(d Dialog) bool { return !dialogGone(d) })
	if len(calls)+len(dialogs) == 0 {
		return
	}
	err = e.update(ctx, func(tx Tx) error {
		for _, c := range calls {
			now, found, err := tx.Call(c.ID)
			if err != nil {
				return err
			}
			if found && callGone(now) {
				tx.DeleteCall(c.ID)
			}
		}
		for _, d := range dialogs {
			now, found, err := tx.Dialog(d.ID)
			if err != nil {
				return err
			}
			if found && dialogGone(now) {
				tx.DeleteDialog(d.ID)
			}
		}
		return nil
	})
	if err != nil {
		slog.Error("remove ended calls and dialogs", "err", err)
	}
}

// sweepInterval is how often StartSweeper sweeps whether or not a timer
// was armed: after a restart or a failover no timer is armed on this node
// for the deadlines stored before.
const sweepInterval = 5 * time.Second

// StartSweeper sweeps every sweepInterval until Close, on the node that
// holds the lease.
func (e *Engine) StartSweeper() {
	e.timers.after(e.clock, sweepInterval, func() {
		e.refreshCampaigns(context.Background())
		e.refreshCodes(context.Background())
		e.refreshWrapUps(context.Background())
		e.refreshBooks(context.Background())
		e.refreshWorkflows(context.Background())
		e.refreshLayouts(context.Background())
		if e.leading() {
			e.Sweep(context.Background())
		}
		e.StartSweeper()
	})
}

// sweepRinging takes back every offered call whose ring time ran out.
func (e *Engine) sweepRinging(ctx context.Context) {
	calls, err := e.store.Calls(ctx)
	if err != nil {
		slog.Error("sweep ringing calls", "err", err)
		return
	}
	now := e.clock.Now()
	for _, c := range calls {
		if c.State != CallAlerting || c.RingDeadline.IsZero() || now.Before(c.RingDeadline) {
			continue
		}
		if c.Media != "" {
			e.taskNoAnswer(ctx, c.ID)
			continue
		}
		if err := e.ringNoAnswer(ctx, c.ID); err != nil {
			slog.Error("ring no answer", "call", c.ID, "err", err)
		}
		if q, ok := e.dir.Queue(c.Queue); ok {
			e.route(ctx, q)
		}
	}
}

// ringNoAnswer handles an offered call nobody answered: the agent goes
// NOT_READY with the RONA reason (32767 on UCCE, 32763 on UCCX) so it is
// offered nothing more, and the call goes back to the head of its queue.
func (e *Engine) ringNoAnswer(ctx context.Context, id string) error {
	return e.update(ctx, func(tx Tx) error {
		c, found, err := tx.Call(id)
		if err != nil || !found || c.State != CallAlerting || e.clock.Now().Before(c.RingDeadline) {
			return err
		}
		d, _, err := tx.Dialog(c.DialogID)
		if err != nil {
			return err
		}
		now := e.clock.Now()
		rung := agentsOn(d)
		for i := range d.Parties {
			if d.Parties[i].Agent != "" {
				d.Parties[i].State, d.Parties[i].Changed = PartyDropped, now
			}
		}
		d.State, d.Ended = DialogDropped, now
		tx.PutDialog(d)
		shown := callerView(d)
		tx.Emit(e.dialogChanged(shown, "", rung...))
		for _, agent := range rung {
			if err := e.ronaAgent(tx, agent, shown); err != nil {
				return err
			}
		}
		waiting, err := tx.Waiting(c.Queue)
		if err != nil {
			return err
		}
		at, err := requeueAt(tx, waiting, c)
		if err != nil {
			return err
		}
		c.State, c.DialogID, c.Agent, c.RingDeadline = CallQueued, "", "", zeroTime()
		tx.PutCall(c)
		tx.PutWaiting(c.Queue, slices.Insert(waiting, at, c.ID))
		return nil
	})
}

// callerView is an offer taken back as the desktop it rang on last sees
// it: the agent's party dropped, and the dialog in the state the caller
// is still in (its call rings on, elsewhere or in the queue), as real
// Finesse shows it, not DROPPED: only the agent left.
func callerView(d Dialog) Dialog {
	d.State = DialogAlerting
	return d
}

// requeueAt is where a call taken back goes in its queue's waiting list:
// before every call that came in after it. That is the head, unless other
// calls rang out at the same sweep, which then keep their FIFO order.
func requeueAt(tx Tx, waiting []string, c Call) (int, error) {
	for i, id := range waiting {
		w, found, err := tx.Call(id)
		if err != nil {
			return 0, err
		}
		if found && callBefore(c, w) {
			return i, nil
		}
	}
	return len(waiting), nil
}

// callBefore orders calls by the time they came in, then by id (ids are
// numbers from one sequence, so a shorter id is a smaller number).
func callBefore(a, b Call) bool {
	if !a.Enqueued.Equal(b.Enqueued) {
		return a.Enqueued.Before(b.Enqueued)
	}
	if len(a.ID) != len(b.ID) {
		return len(a.ID) < len(b.ID)
	}
	return a.ID < b.ID
}

func (e *Engine) ronaAgent(tx Tx, agent string, d Dialog) error {
	u, ok := e.dir.UserByID(agent)
	if !ok {
		return nil
	}
	a, err := tx.Agent(agent)
	if err != nil {
		return err
	}
	a.Dialogs = slices.DeleteFunc(a.Dialogs, func(id string) bool { return id == d.ID })
	tx.Emit(e.dialogRemoved(agent, d, ""))
	if err := e.recordCall(tx, agent, d, "Not answered"); err != nil {
		return err
	}
	a = e.enter(a, model.StateNotReady, e.ronaReason())
	tx.PutAgent(a)
	return e.emitUser(tx, u, a, "")
}

// ronaReason is the Not Ready reason of ring-no-answer: 32767 on UCCE,
// 32763 (AGT_RNA) on UCCX.
func (e *Engine) ronaReason() string {
	if e.dir.UCCX() {
		return "32763"
	}
	return "32767"
}

// sweepWrapUps ends every wrap-up whose timer ran out: WORK goes NOT_READY
// (with the reason asked for during the call, if any), WORK_READY goes
// READY and is routed to.
func (e *Engine) sweepWrapUps(ctx context.Context) {
	agents, err := e.store.Agents(ctx)
	if err != nil {
		slog.Error("sweep wrap-ups", "err", err)
		return
	}
	now := e.clock.Now()
	for _, a := range agents {
		if a.WrapUpDeadline.IsZero() || now.Before(a.WrapUpDeadline) {
			continue
		}
		u, ok := e.dir.UserByID(a.ID)
		if !ok {
			continue
		}
		ready, err := e.endWrapUp(ctx, u)
		if err != nil {
			slog.Error("end wrap-up", "agent", a.ID, "err", err)
		}
		if ready {
			e.routeFor(ctx, u)
		}
	}
}

func (e *Engine) endWrapUp(ctx context.Context, u *User) (ready bool, err error) {
	err = e.update(ctx, func(tx Tx) error {
		a, err := tx.Agent(u.ID)
		if err != nil || a.WrapUpDeadline.IsZero() || e.clock.Now().Before(a.WrapUpDeadline) {
			return err
		}
		if a.State == model.StateWorkReady {
			a = e.enter(a, model.StateReady, "")
		} else {
			a = e.enter(a, model.StateNotReady, reasonOrNone(a.PendingReasonCodeID))
		}
		ready = a.State == model.StateReady
		tx.PutAgent(a)
		return e.emitUser(tx, u, a, "")
	})
	return ready, err
}
