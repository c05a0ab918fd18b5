package acd

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/finessed/finessed/model"
)

// Desktop presence: Finesse watches each user's XMPP presence and, when the
// last desktop goes away and stays away for the grace period, forces the
// agent out (reason 255 to the CTI server). The deadline is stored with the
// agent, so whichever node sweeps finds it.

// DesktopConnected records that one of user's notification sessions became
// available on this node. The new session is owed replay from event from
// (replay true) when the user's desktops were all gone and it came back
// within the grace period, from the last event they were given; or when
// the user's other desktops are only on other nodes, from what those nodes
// last announced they had delivered, since a desktop that moves here from
// a node that just died comes back before the death is noticed.
func (e *Engine) DesktopConnected(ctx context.Context, user string) (from EventID, replay bool, err error) {
	err = e.update(ctx, func(tx Tx) error {
		a, err := tx.Agent(user)
		if err != nil {
			return err
		}
		if a.DesktopCount() == 0 {
			from, replay = a.Cursor, !a.AwayDeadline.IsZero() && !e.clock.Now().After(a.AwayDeadline)
		} else if a.Desktops[e.node] == 0 {
			from, replay = e.deliveredTo(ctx, a)
		}
		if a.Desktops == nil {
			a.Desktops = map[string]int{}
		}
		a.Desktops[e.node]++
		a.AwayDeadline, a.Cursor = time.Time{}, 0
		tx.PutAgent(a)
		return nil
	})
	return from, replay, err
}

// deliveredTo is the earliest delivery cursor the nodes holding a's
// desktops announced, or false when one of them never did. It reads the
// roster afresh when it can, as the heartbeat's copy may be a beat older:
// every beat less is a beat of events the desktop is not given twice.
func (e *Engine) deliveredTo(ctx context.Context, a Agent) (EventID, bool) {
	members := e.beat.members()
	if e.roster != nil {
		if fresh, err := e.roster.Members(ctx); err == nil {
			members = fresh
		}
	}
	var from EventID
	found := 0
	for node, n := range a.Desktops {
		if n == 0 {
			continue
		}
		i := slices.IndexFunc(members, func(m Member) bool { return m.ID == node })
		if i < 0 {
			return 0, false
		}
		if found == 0 || members[i].Delivered < from {
			from = members[i].Delivered
		}
		found++
	}
	return from, found > 0
}

// DesktopDisconnected records that one of user's sessions on this node
// went away, having been given every event up to cursor.
func (e *Engine) DesktopDisconnected(ctx context.Context, user string, cursor EventID) error {
	return e.desktopsGone(ctx, user, e.node, 1, cursor)
}

// allDesktops, to desktopsGone, is every desktop the user has on the node.
const allDesktops = -1

// desktopsGone takes n of user's desktops on node away. When it was the
// last, the grace period starts; a repeated report of the loss keeps the
// deadline it set.
func (e *Engine) desktopsGone(ctx context.Context, user, node string, n int, cursor EventID) error {
	var away bool
	var wait time.Duration
	err := e.update(ctx, func(tx Tx) error {
		a, err := tx.Agent(user)
		if err != nil {
			return err
		}
		gone := n
		if gone == allDesktops {
			if a.Desktops[node] == 0 {
				away = false
				return nil
			}
			gone = a.Desktops[node]
		}
		if left := a.Desktops[node] - gone; left > 0 {
			a.Desktops[node] = left
		} else {
			delete(a.Desktops, node)
		}
		a.Cursor = max(a.Cursor, cursor)
		away = a.DesktopCount() == 0
		if away {
			now := e.clock.Now()
			if a.AwayDeadline.IsZero() {
				a.AwayDeadline = now.Add(e.dir.Settings.DesktopGrace)
			}
			wait = max(a.AwayDeadline.Sub(now), 0)
		}
		tx.PutAgent(a)
		return nil
	})
	if err == nil && away {
		e.timers.after(e.clock, wait, func() { e.SweepAway(context.Background()) })
	}
	return err
}

// reapNode takes away every desktop node had, as a node that died (or this
// node, restarting) can no longer report them gone, having delivered every
// event up to delivered.
func (e *Engine) reapNode(ctx context.Context, node string, delivered EventID) error {
	agents, err := e.store.Agents(ctx)
	if err != nil {
		return fmt.Errorf("reap node %s: %w", node, err)
	}
	for _, a := range agents {
		if a.Desktops[node] > 0 {
			if err := e.desktopsGone(ctx, a.ID, node, allDesktops, delivered); err != nil {
				return fmt.Errorf("reap node %s: agent %s: %w", node, a.ID, err)
			}
		}
	}
	return nil
}

// SweepAway forces out every agent whose grace period has run out without a
// desktop coming back. It is safe to call at any time, from any node.
func (e *Engine) SweepAway(ctx context.Context) {
	e.awaySweeps.run(func() { e.sweepAway(ctx) })
}

func (e *Engine) sweepAway(ctx context.Context) {
	agents, err := e.store.Agents(ctx)
	if err != nil {
		slog.Error("sweep desktop deadlines", "err", err)
		return
	}
	now := e.clock.Now()
	for _, a := range agents {
		if a.AwayDeadline.IsZero() || now.Before(a.AwayDeadline) {
			continue
		}
		if err := e.forceOut(ctx, a.ID); err != nil {
			slog.Error("force out after desktop loss", "agent", a.ID, "err", err)
		}
	}
}

// forceOut applies Finesse's forced logout to an agent whose desktop did
// not come back: NOT_READY 50002 (pending if on a call) with UCCE's default
// LOAD off; signed out with 255 with LOAD on or on UCCX.
func (e *Engine) forceOut(ctx context.Context, id string) error {
	u, ok := e.dir.users[id]
	if !ok {
		return nil
	}
	return e.update(ctx, func(tx Tx) error {
		a, err := tx.Agent(id)
		if err != nil || a.DesktopCount() > 0 || a.AwayDeadline.IsZero() || e.clock.Now().Before(a.AwayDeadline) {
			return err
		}
		a.AwayDeadline, a.Cursor = time.Time{}, 0
		was := a.State
		switch {
		case !a.State.SignedIn():
		case e.dir.UCCX() || e.dir.Settings.LogoutOnAgentDisconnect:
			a = e.signOut(tx, a, "255")
		case a.State.OnCall():
			a.PendingState, a.PendingReasonCodeID = model.StateNotReady, "50002"
		default:
			a = e.enter(a, model.StateNotReady, "50002")
		}
		tx.PutAgent(a)
		if !was.SignedIn() {
			return nil
		}
		if err := e.emitUser(tx, u, a, ""); err != nil {
			return err
		}
		if a.State == model.StateLogout {
			return dropSubscriptions(tx, id)
		}
		return nil
	})
}

// timerSet remembers the engine's pending timers so Close can stop them.
type timerSet struct {
	mu     sync.Mutex
	timers map[Timer]struct{}
	closed bool
}

func (s *timerSet) after(clock Clock, d time.Duration, f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if s.timers == nil {
		s.timers = map[Timer]struct{}{}
	}
	var t Timer
	t = clock.AfterFunc(d, func() {
		s.mu.Lock()
		delete(s.timers, t)
		s.mu.Unlock()
		f()
	})
	s.timers[t] = struct{}{}
}

func (s *timerSet) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	for t := range s.timers {
		t.Stop()
	}
	clear(s.timers)
}
