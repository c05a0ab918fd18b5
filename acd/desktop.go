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

// DesktopSession names one notification session of a user to
// DesktopConnected and DesktopDisconnected.
type DesktopSession struct {
	User    string // the user's id
	JID     string // the session's full JID
	Session string // unique to the session, among those with its JID
	// Alone is true when it is the user's only available session on this
	// node: the first to arrive, or the last to leave. Only those change
	// the agent's record, so that a user with many sessions on one node (a
	// load test's supervisor) does not make every one of them contend for
	// it.
	Alone bool
}

// DesktopConnected records that a notification session became available
// on this node, and says from which event it is owed replay (replay
// true). A session back under a JID that went away within the grace
// period is owed what that JID missed; one whose JID was last seen
// available on another node (which died, or lost it) is owed what that
// node last announced it had delivered; a new JID of a user who had no
// desktop left, back within the grace period, is owed what the user's
// last desktops missed. Otherwise nothing is owed from before the
// session bound its resource, which the notification service keeps.
func (e *Engine) DesktopConnected(ctx context.Context, s DesktopSession) (from EventID, replay bool, err error) {
	err = e.update(ctx, func(tx Tx) error {
		from, replay = 0, false
		d, found, err := tx.Desktop(s.JID)
		if err != nil {
			return err
		}
		if found {
			from, replay = e.owedTo(ctx, d)
		}
		if s.Alone {
			if err := e.agentArrives(ctx, tx, s.User, &from, &replay); err != nil {
				return err
			}
		}
		tx.PutDesktop(Desktop{JID: s.JID, User: s.User, Session: s.Session, Node: e.node})
		return nil
	})
	return from, replay, err
}

// owedTo is where replay starts for a session whose JID has record d.
func (e *Engine) owedTo(ctx context.Context, d Desktop) (EventID, bool) {
	switch {
	case d.Away():
		return d.Cursor, e.clock.Now().Before(d.Until)
	case d.Node != e.node:
		return e.announcedBy(ctx, d.Node)
	}
	return 0, false
}

// agentArrives counts the user's first desktop on this node in its agent
// record, ending a grace period. When nothing better is known, a desktop
// of a user who had none left is owed what its last desktops missed, and
// one of a user whose desktops are all on other nodes what those nodes
// last announced they had delivered: a desktop that moves here from a node
// that just died may come back under a new resource, before the death is
// noticed.
func (e *Engine) agentArrives(ctx context.Context, tx Tx, user string, from *EventID, replay *bool) error {
	a, err := tx.Agent(user)
	if err != nil {
		return err
	}
	switch {
	case *replay:
	case a.DesktopCount() == 0:
		*from, *replay = a.Cursor, e.clock.Now().Before(a.AwayDeadline)
	case a.Desktops[e.node] == 0:
		*from, *replay = e.deliveredTo(ctx, a)
	}
	if a.Desktops == nil {
		a.Desktops = map[string]int{}
	}
	a.Desktops[e.node]++
	a.AwayDeadline, a.Cursor = time.Time{}, 0
	tx.PutAgent(a)
	return nil
}

// deliveredTo is the earliest delivery cursor the nodes holding a's
// desktops announced, or false when one of them never did.
func (e *Engine) deliveredTo(ctx context.Context, a Agent) (EventID, bool) {
	members := e.freshMembers(ctx)
	var from EventID
	found := false
	for node, n := range a.Desktops {
		if n == 0 {
			continue
		}
		delivered, ok := announced(members, node)
		if !ok {
			return 0, false
		}
		if !found || delivered < from {
			from, found = delivered, true
		}
	}
	return from, found
}

// announcedBy is the delivery cursor node last announced in the roster,
// or false when it never did.
func (e *Engine) announcedBy(ctx context.Context, node string) (EventID, bool) {
	return announced(e.freshMembers(ctx), node)
}

// freshMembers is the roster read afresh when it answers, as the
// heartbeat's copy may be a beat older: every beat less is a beat of
// events a desktop is not given twice.
func (e *Engine) freshMembers(ctx context.Context) []Member {
	if e.roster != nil {
		if fresh, err := e.roster.Members(ctx); err == nil {
			return fresh
		}
	}
	return e.beat.members()
}

func announced(members []Member, node string) (EventID, bool) {
	i := slices.IndexFunc(members, func(m Member) bool { return m.ID == node })
	if i < 0 {
		return 0, false
	}
	return members[i].Delivered, true
}

// DesktopDisconnected records that a session on this node went away,
// having been given every event up to cursor. Its record keeps the cursor
// for the grace period, unless the session is already available on
// another node.
func (e *Engine) DesktopDisconnected(ctx context.Context, s DesktopSession, cursor EventID) error {
	gone := Desktop{JID: s.JID, User: s.User, Session: s.Session, Cursor: cursor, Until: e.clock.Now().Add(e.dir.Settings.DesktopGrace)}
	if !s.Alone {
		return e.update(ctx, func(tx Tx) error { return e.leaveDesktop(tx, gone) })
	}
	return e.desktopsGone(ctx, s.User, e.node, 1, cursor, gone)
}

// leaveDesktop writes the record of a session that went away from this
// node, unless another session holds that JID now (here or on another
// node): a departure reported late must not overwrite its successor.
func (e *Engine) leaveDesktop(tx Tx, gone Desktop) error {
	d, found, err := tx.Desktop(gone.JID)
	if err != nil || (found && !d.Away() && (d.Node != e.node || d.Session != gone.Session)) {
		return err
	}
	tx.PutDesktop(gone)
	return nil
}

// allDesktops, to desktopsGone, is every desktop the user has on the node.
const allDesktops = -1

// desktopsGone takes n of user's desktops on node away, and writes the
// records of the sessions that went (none when gone has no JID). When it
// was the last, the grace period starts; a repeated report of the loss
// keeps the deadline it set.
func (e *Engine) desktopsGone(ctx context.Context, user, node string, n int, cursor EventID, gone Desktop) error {
	var away bool
	var deadline time.Time
	err := e.update(ctx, func(tx Tx) error {
		if gone.JID != "" {
			if err := e.leaveDesktop(tx, gone); err != nil {
				return err
			}
		}
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
			if a.AwayDeadline.IsZero() {
				a.AwayDeadline = e.clock.Now().Add(e.dir.Settings.DesktopGrace)
			}
			deadline = a.AwayDeadline
		}
		tx.PutAgent(a)
		return nil
	})
	if err == nil && away {
		e.sweepAwayAt(deadline)
	}
	return err
}

// sweepAwayAt makes SweepAway run at deadline, or sooner.
func (e *Engine) sweepAwayAt(deadline time.Time) {
	e.awayAlarm.set(&e.timers, e.clock, deadline, func() { e.SweepAway(context.Background()) })
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
			if err := e.desktopsGone(ctx, a.ID, node, allDesktops, delivered, Desktop{}); err != nil {
				return fmt.Errorf("reap node %s: agent %s: %w", node, a.ID, err)
			}
		}
	}
	until := e.clock.Now().Add(e.dir.Settings.DesktopGrace)
	err = e.rewriteDesktops(ctx, func(d Desktop) (Desktop, bool) {
		if d.Node != node {
			return d, false
		}
		return Desktop{JID: d.JID, User: d.User, Session: d.Session, Cursor: delivered, Until: until, Reaped: node != e.node}, true
	})
	if err != nil {
		return fmt.Errorf("reap node %s: %w", node, err)
	}
	return nil
}

// sweepDesktops forgets the sessions that went away and did not come back
// within the grace period.
func (e *Engine) sweepDesktops(ctx context.Context) {
	now := e.clock.Now()
	err := e.rewriteDesktops(ctx, func(d Desktop) (Desktop, bool) {
		if d.Away() && !now.Before(d.Until) {
			return Desktop{JID: d.JID}, true
		}
		return d, false
	})
	if err != nil {
		slog.Error("forget sessions gone for good", "err", err)
	}
}

// rewriteBatch is how many session records one transaction of
// rewriteDesktops changes at most.
const rewriteBatch = 256

// rewriteDesktops replaces each session record that change picks with
// what it returns (a record without a Node or Until is deleted). The
// listing only nominates them: each is picked again inside the
// transaction that changes it, so a concurrent change wins.
func (e *Engine) rewriteDesktops(ctx context.Context, change func(Desktop) (Desktop, bool)) error {
	all, err := e.store.Desktops(ctx)
	if err != nil {
		return err
	}
	all = slices.DeleteFunc(all, func(d Desktop) bool { _, picked := change(d); return !picked })
	for batch := range slices.Chunk(all, rewriteBatch) {
		err := e.update(ctx, func(tx Tx) error {
			for _, listed := range batch {
				d, found, err := tx.Desktop(listed.JID)
				if err != nil {
					return err
				}
				if !found {
					continue
				}
				if d, picked := change(d); !picked {
					continue
				} else if d.Node == "" && d.Until.IsZero() {
					tx.DeleteDesktop(d.JID)
				} else {
					tx.PutDesktop(d)
				}
			}
			return nil
		})
		if err != nil {
			return err
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
	var next time.Time // the earliest deadline still to come
	for _, a := range agents {
		if a.AwayDeadline.IsZero() {
			continue
		}
		if now.Before(a.AwayDeadline) {
			if next.IsZero() || a.AwayDeadline.Before(next) {
				next = a.AwayDeadline
			}
			continue
		}
		if err := e.forceOut(ctx, a.ID); err != nil {
			slog.Error("force out after desktop loss", "agent", a.ID, "err", err)
		}
	}
	if !next.IsZero() {
		e.sweepAwayAt(later(next, now.Add(awaySweepSpacing)))
	}
}

// awaySweepSpacing is the least time between sweeps for desktop deadlines
// that one sweep found still to come. Desktops lost together (a run of
// sessions closing, a network blip) have deadlines a millisecond apart,
// and a sweep lists every agent: one sweep after another for each would
// take a core for as long as the wave lasts. Spaced, a deadline is
// enforced up to this late, against a grace period of a minute.
const awaySweepSpacing = 500 * time.Millisecond

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// forceOut applies Finesse's forced logout to an agent whose desktop did
// not come back: NOT_READY 50002 (pending if on a call) with UCCE's default
// LOAD off; signed out with 255 with LOAD on or on UCCX.
func (e *Engine) forceOut(ctx context.Context, id string) error {
	u, ok := e.dir.UserByID(id)
	if !ok {
		return nil
	}
	var forced Agent // the agent after, when it was signed in
	err := e.update(ctx, func(tx Tx) error {
		forced = Agent{}
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
		forced = a
		if err := e.emitUser(tx, u, a, ""); err != nil {
			return err
		}
		if a.State == model.StateLogout {
			return dropSubscriptions(tx, id)
		}
		return nil
	})
	if err == nil && forced.ID != "" {
		// An operator asked why an agent went NOT_READY or was signed out.
		slog.Info("agent forced out: no desktop came back within the grace period",
			"agent", id, "state", string(forced.State), "reason", forced.ReasonCodeID, "pending", string(forced.PendingState))
	}
	return err
}

// timerSet remembers the engine's pending timers so Close can stop them.
type timerSet struct {
	mu     sync.Mutex
	timers map[Timer]struct{}
	closed bool
}

func (s *timerSet) after(clock Clock, d time.Duration, f func()) {
	s.afterTimer(clock, d, f)
}

// afterTimer is after, returning the timer (nil once the set is stopped)
// for cancel.
func (s *timerSet) afterTimer(clock Clock, d time.Duration, f func()) Timer {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
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
	return t
}

// cancel stops t and forgets it.
func (s *timerSet) cancel(t Timer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t.Stop()
	delete(s.timers, t)
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

// DesktopsHeld takes back, for this node, the records of sessions it
// still holds that another node took away as if this node were dead
// (WatchReaped): each record marked Reaped under the same session, and
// the agent's count of desktops here, ending its grace period. A session
// that went away meanwhile left a record of its own, not marked, and is
// not taken back.
func (e *Engine) DesktopsHeld(ctx context.Context, held []DesktopSession) error {
	byUser := map[string][]DesktopSession{}
	for _, s := range held {
		byUser[s.User] = append(byUser[s.User], s)
	}
	for user, sessions := range byUser {
		err := e.update(ctx, func(tx Tx) error {
			back := 0
			for _, s := range sessions {
				d, found, err := tx.Desktop(s.JID)
				if err != nil {
					return err
				}
				if found && d.Reaped && d.Session == s.Session {
					tx.PutDesktop(Desktop{JID: s.JID, User: s.User, Session: s.Session, Node: e.node})
					back++
				}
			}
			a, err := tx.Agent(user)
			if err != nil || back == 0 || a.Desktops[e.node] > 0 {
				return err
			}
			if a.Desktops == nil {
				a.Desktops = map[string]int{}
			}
			a.Desktops[e.node] = 1 // as agentArrives counts: this node holds some
			a.AwayDeadline, a.Cursor = time.Time{}, 0
			tx.PutAgent(a)
			return nil
		})
		if err != nil {
			return fmt.Errorf("take back the desktops of %s: %w", user, err)
		}
	}
	return nil
}
