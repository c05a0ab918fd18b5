package acd

import (
	"context"
	"log/slog"
	"maps"
	"sync"
	"sync/atomic"
	"time"
)

// heartbeat is what a node learns from announcing itself: its view of the
// roster, whether the shared Store answers, and which dead nodes it has
// already cleared up after. Only the tick goroutine writes it.
type heartbeat struct {
	roster       atomic.Pointer[[]Member]
	outOfService atomic.Bool
	delivered    atomic.Pointer[func() EventID]
	reaped       map[string]time.Time // dead member: the beat it was reaped at
	lastAnswer   time.Time            // when the roster last answered
	leaseUntil   time.Time            // when the lease last renewed runs out
	inSince      time.Time            // when the node last came back into service
	reapSeen     time.Time            // the latest reap of this node it acted on

	mu       sync.Mutex
	watchers []func(inService bool)
	revived  []func()
}

func (h *heartbeat) members() []Member {
	if m := h.roster.Load(); m != nil {
		return *m
	}
	return nil
}

// InService reports whether the node can serve: alone it always can; with
// a shared Store, only while the Store answers its heartbeat.
func (e *Engine) InService() bool { return !e.beat.outOfService.Load() }

// WatchService calls f from the heartbeat whenever the node goes out of
// service or back in.
func (e *Engine) WatchService(f func(inService bool)) {
	e.beat.mu.Lock()
	defer e.beat.mu.Unlock()
	e.beat.watchers = append(e.beat.watchers, f)
}

// WatchReaped calls f, from the heartbeat, when another node cleared up
// after this one as if it were dead (both lost the shared Store for a
// while, and the other came back first): f should give DesktopsHeld the
// sessions this node still holds, which the other took away.
func (e *Engine) WatchReaped(f func()) {
	e.beat.mu.Lock()
	defer e.beat.mu.Unlock()
	e.beat.revived = append(e.beat.revived, f)
}

// TrackDelivered tells the engine how to learn which event this node's
// desktops have all been given, for its heartbeat to announce: if the
// node dies, its desktops are owed the events after it.
func (e *Engine) TrackDelivered(f func() EventID) { e.beat.delivered.Store(&f) }

// Start begins the node's heartbeat, to run until Close: every
// leaseRenewal it announces itself in the Roster, holds or polls the
// Lease, and as lease holder clears up after nodes that died. Call it
// before the node accepts desktops: it first clears up after this node's
// own previous life, whose desktops are gone.
func (e *Engine) Start() {
	e.beat.lastAnswer = e.clock.Now()
	if e.roster != nil {
		ctx, cancel := context.WithTimeout(context.Background(), LeaseTTL)
		defer cancel()
		if err := e.reapNode(ctx, e.node, e.lastDelivered(ctx)); err != nil {
			slog.Warn("clear this node's desktops of its last run", "node", e.node, "err", err)
		}
		if members, err := e.roster.Members(ctx); err == nil {
			e.beat.reapSeen = lastReapOf(members, e.node) // its last run's, cleared up above
		}
	}
	e.tick()
}

func (e *Engine) tick() {
	if e.lease == nil && e.roster == nil {
		return
	}
	e.announce(context.Background())
	if e.lease != nil {
		e.holdLease(context.Background())
	}
	if e.leading() {
		e.reapDead(context.Background())
	}
	e.timers.after(e.clock, leaseRenewal, e.tick)
}

// announce records this node in the roster and reads it back; whether
// that works is whether the node is in service.
func (e *Engine) announce(ctx context.Context) {
	if e.roster == nil {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, beatTimeout)
	defer cancel()
	var delivered EventID
	if f := e.beat.delivered.Load(); f != nil {
		delivered = (*f)()
	}
	me := Member{ID: e.node, Node: e.self, Peer: e.peer, Delivered: delivered, Beat: e.clock.Now(), Reaped: maps.Clone(e.beat.reaped)}
	err := e.roster.Announce(ctx, me)
	var members []Member
	if err == nil {
		members, err = e.roster.Members(ctx)
	}
	now := e.clock.Now()
	if err == nil {
		e.beat.roster.Store(&members)
		e.beat.lastAnswer = now
		e.noticeReaped(members)
	} else if e.InService() {
		slog.Warn("heartbeat", "node", e.node, "err", err)
	}
	e.setInService(err == nil || now.Sub(e.beat.lastAnswer) < outOfServiceAfter)
}

// beatTimeout bounds one announcement; outOfServiceAfter is how long the
// roster must go unanswered before the node declares itself out of
// service. A loaded node or Redis can miss a beat or two: that is no
// outage, and flapping OUT_OF_SERVICE would send every desktop elsewhere.
const (
	beatTimeout       = 500 * time.Millisecond
	outOfServiceAfter = time.Second
)

func (e *Engine) setInService(up bool) {
	if e.beat.outOfService.Swap(!up) == !up {
		return
	}
	if up {
		e.beat.inSince = e.clock.Now()
		slog.Info("shared state answers again: back in service")
	} else {
		slog.Error("shared state unreachable: out of service")
	}
	e.beat.mu.Lock()
	watchers := e.beat.watchers
	e.beat.mu.Unlock()
	for _, f := range watchers {
		f(up)
	}
}

// lastDelivered is what this node announced it had delivered before it
// (re)started, 0 when it never announced itself.
func (e *Engine) lastDelivered(ctx context.Context) EventID {
	members, err := e.roster.Members(ctx)
	if err != nil {
		return 0
	}
	for _, m := range members {
		if m.ID == e.node {
			return m.Delivered
		}
	}
	return 0
}

// reapQuiet is how long a node back in service waits before it judges
// others dead: after an outage of the shared Store every node's last beat
// is old, and the others need a beat or two to be heard again.
const reapQuiet = 2 * LeaseTTL

// reapDead clears up, once per death, after every node whose heartbeat
// stopped.
func (e *Engine) reapDead(ctx context.Context) {
	if e.beat.reaped == nil {
		e.beat.reaped = map[string]time.Time{}
	}
	if e.clock.Now().Sub(e.beat.inSince) < reapQuiet {
		return
	}
	for _, m := range deadMembers(e.beat.members(), e.node, e.clock.Now()) {
		if e.beat.reaped[m.ID].Equal(m.Beat) {
			continue
		}
		if err := e.reapNode(ctx, m.ID, m.Delivered); err != nil {
			slog.Error("clear up after a dead node", "node", m.ID, "err", err)
			continue
		}
		slog.Info("cleared up after a dead node", "node", m.ID, "delivered", m.Delivered)
		e.beat.reaped[m.ID] = m.Beat
	}
}

// noticeReaped calls the WatchReaped functions when a member announces it
// cleared up after this node at a beat it has not acted on yet.
func (e *Engine) noticeReaped(members []Member) {
	last := lastReapOf(members, e.node)
	if !last.After(e.beat.reapSeen) {
		return
	}
	e.beat.reapSeen = last
	slog.Warn("another node cleared up after this one as dead: taking back the desktops it holds", "node", e.node)
	e.beat.mu.Lock()
	revived := e.beat.revived
	e.beat.mu.Unlock()
	for _, f := range revived {
		f()
	}
}

// lastReapOf is the latest beat of node at which another member cleared
// up after it.
func lastReapOf(members []Member, node string) time.Time {
	var last time.Time
	for _, m := range members {
		if at, ok := m.Reaped[node]; ok && m.ID != node && at.After(last) {
			last = at
		}
	}
	return last
}
