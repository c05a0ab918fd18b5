package xmpp

import (
	"context"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
)

// hub indexes available sessions by node and delivers events to them. One
// mutex covers the index and dispatching, so a session joins between two
// events, never during one.
type hub struct {
	svc *Service

	mu       sync.Mutex
	users    map[string]map[*Session]struct{} // available sessions by user id
	nodes    map[string]map[*Session]struct{} // available sessions by node
	explicit map[string][]acd.Subscription    // of users with available sessions
	last     acd.EventID                      // the last event dispatched
	started  bool                             // last is known: where run starts
	origin   acd.EventID                      // where run started
	slow     []*Session                       // overflowed while h.mu was held
	direct   []*Session                       // to flushDirect once h.mu is released
	localSeq uint64                           // numbers publishLocal's items
}

func newHub(svc *Service) *hub {
	return &hub{
		svc: svc, users: map[string]map[*Session]struct{}{},
		nodes: map[string]map[*Session]struct{}{}, explicit: map[string][]acd.Subscription{},
	}
}

// dispatchBatch is how many events one log read returns at most.
const dispatchBatch = 512

// run tails the log until ctx is done, from where it ended when the
// service was made (or, if that could not be read, from its current end).
// While the log cannot be read (the shared store is down), it retries:
// sessions stay open, and pick up where they left off when it answers.
func (h *hub) run(ctx context.Context) error {
	log := h.svc.engine.Log()
	h.mu.Lock()
	last, started := h.last, h.started
	h.mu.Unlock()
	failing := false
	var direct []*Session // reused from one read to the next
	for !started {
		var err error
		if last, err = log.Last(ctx); err == nil {
			h.start(last)
			break
		}
		if err := retryAfter(ctx, err, &failing); err != nil {
			return err
		}
	}
	for {
		events, err := log.Read(ctx, last, dispatchBatch)
		if err != nil {
			if err := retryAfter(ctx, err, &failing); err != nil {
				return err
			}
			continue
		}
		if failing {
			slog.Info("reading the event log again", "after", last)
			failing = false
		}
		h.mu.Lock()
		for _, ev := range events {
			h.dispatch(ctx, ev)
			h.last = ev.ID
		}
		var slow []*Session
		slow, direct = h.takeAfter(direct[:0])
		h.mu.Unlock()
		finishDeliver(slow, direct)
		clear(direct)
		last = events[len(events)-1].ID
	}
}

// start sets where dispatching starts: after last.
func (h *hub) start(last acd.EventID) {
	h.mu.Lock()
	h.last, h.origin, h.started = last, last, true
	h.mu.Unlock()
}

// position is the last event dispatched, and false before the hub knows
// where the log ends.
func (h *hub) position() (acd.EventID, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last, h.started
}

// logRetry is how long run waits before reading the log again after it
// failed.
const logRetry = 250 * time.Millisecond

// retryAfter waits logRetry after a failed log read, or returns ctx's
// error once it is done. It logs the first of a run of failures.
func retryAfter(ctx context.Context, err error, failing *bool) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if !*failing {
		slog.Warn("read the event log: retrying", "err", err)
		*failing = true
	}
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(logRetry):
		return nil
	}
}

// publishLocal delivers events that are this node's alone, not in the
// log, to every session on their nodes: what a node says to its own
// desktops while, or right after, the shared log is down. They count as
// no event's delivery.
func (h *hub) publishLocal(events []acd.Event) {
	h.mu.Lock()
	for _, ev := range events {
		h.localSeq++
		item := h.svc.engine.Log().Epoch() + "local" + strconv.FormatUint(h.localSeq, 10)
		for _, node := range ev.Nodes {
			body := notificationBody(node, item, ev.Payload)
			for s := range h.nodes[node] {
				h.deliver(s, outbound{head: s.messageHead(), body: body})
			}
		}
	}
	slow, direct := h.takeAfter(nil)
	h.mu.Unlock()
	finishDeliver(slow, direct)
}

// cursor is an event every available session was given, with all before
// it, or was not owed: the last dispatched, or for a session with
// notifications not yet written, the one before its first.
func (h *hub) cursor() acd.EventID {
	h.mu.Lock()
	defer h.mu.Unlock()
	c := h.last
	for _, sessions := range h.users {
		for s := range sessions {
			if first := s.firstUnwritten(); first != 0 {
				c = min(c, first-1)
			}
		}
	}
	return c
}

// dispatch delivers one event to every subscribed session; h.mu is held.
func (h *hub) dispatch(ctx context.Context, ev acd.Event) {
	if ev.SubscriptionsOf != "" {
		h.reload(ctx, ev.SubscriptionsOf)
		return
	}
	item := h.svc.engine.Log().Epoch() + strconv.FormatUint(uint64(ev.ID), 10)
	now := time.Now()
	h.svc.metrics.dispatch.Observe(now.Sub(ev.Time).Seconds())
	at, committed := now.UnixNano(), ev.Time.UnixNano()
	for _, node := range ev.Nodes {
		sessions := h.nodes[node]
		if len(sessions) == 0 {
			continue
		}
		body := notificationBody(node, item, ev.Payload)
		for s := range sessions {
			h.deliver(s, outbound{head: s.messageHead(), body: body, event: ev.ID, committed: committed, dispatched: at})
		}
	}
}

// join makes s available: it is sent presence from finesse, indexed under
// its nodes and given the events it is owed: those committed since it
// bound its resource, and, with replay, those after replayFrom that it
// missed while away. All of it happens under the hub's lock, so no event
// can fall between the presence a desktop waits for and its first
// notification. It returns the event after which s is owed everything,
// and false when s is closed (or already available) and was left as it
// was.
func (h *hub) join(ctx context.Context, s *Session, replayFrom acd.EventID, replay bool) (acd.EventID, bool) {
	h.mu.Lock()
	from, joined := h.joinLocked(ctx, s, replayFrom, replay)
	slow, direct := h.takeAfter(nil)
	h.mu.Unlock()
	finishDeliver(slow, direct)
	return from, joined
}

func (h *hub) joinLocked(ctx context.Context, s *Session, replayFrom acd.EventID, replay bool) (acd.EventID, bool) {
	from := h.owedFrom(s, replayFrom, replay)
	s.mu.Lock()
	if s.closed || s.joined {
		s.mu.Unlock()
		return from, false
	}
	s.joined = true
	s.mu.Unlock()
	h.deliver(s, outbound{head: h.svc.finessePresence(s, "")})
	id := s.user.ID
	if h.users[id] == nil {
		h.users[id] = map[*Session]struct{}{}
		subs, err := h.svc.engine.Subscriptions(ctx, id)
		if err != nil {
			slog.Error("load subscriptions", "user", id, "err", err)
		}
		h.explicit[id] = subs
	}
	h.users[id][s] = struct{}{}
	h.index(s)
	// Every event up to from is accounted for, and those after it are
	// queued now: the cursor acd keeps if s goes away must not fall below
	// from, or a session that is gone before it is given anything would be
	// owed nothing.
	if from < h.last {
		h.replay(ctx, s, from)
	}
	s.mu.Lock()
	s.delivered = max(s.delivered, from)
	s.mu.Unlock()
	return from, true
}

// owedFrom is the event after which s is owed every event on its nodes:
// where it bound, or where its replay starts if that is earlier; h.mu is
// held.
func (h *hub) owedFrom(s *Session, replayFrom acd.EventID, replay bool) acd.EventID {
	from := h.origin
	if s.boundKnown {
		from = s.bound
	}
	if replay {
		from = min(from, replayFrom)
	}
	return min(from, h.last)
}

// replay queues, for s, the events in (from, h.last] on its nodes.
func (h *hub) replay(ctx context.Context, s *Session, from acd.EventID) {
	log := h.svc.engine.Log()
	item := log.Epoch()
	for from < h.last {
		events, err := log.Read(ctx, from, dispatchBatch)
		if err != nil {
			slog.Error("replay", "user", s.user.ID, "err", err)
			return
		}
		if events[0].ID > from+1 {
			logDropped(s.user.ID, from+1, events[0].ID-1, events[0].Time)
		}
		for _, ev := range events {
			if ev.ID > h.last {
				return
			}
			for _, node := range ev.Nodes {
				if slices.Contains(s.nodes, node) {
					body := notificationBody(node, item+strconv.FormatUint(uint64(ev.ID), 10), ev.Payload)
					h.deliver(s, outbound{head: s.messageHead(), body: body, event: ev.ID, committed: ev.Time.UnixNano()})
				}
			}
			from = ev.ID
		}
	}
}

// deliver queues o for s, noting s as slow if its queue is full, or as
// one to write directly; h.mu is held, so closing it, or writing to it,
// must wait until the lock is released.
func (h *hub) deliver(s *Session, o outbound) {
	ok, claimed := s.push(o)
	if !ok {
		h.slow = append(h.slow, s)
	}
	if claimed {
		h.direct = append(h.direct, s)
	}
}

// takeAfter is what delivering left to do once h.mu is released (by
// finishDeliver): the sessions to close as slow, and those to write
// directly, appended to direct (a buffer the caller may reuse). h.mu is
// held.
func (h *hub) takeAfter(direct []*Session) (slow, _ []*Session) {
	slow, h.slow = h.slow, nil
	direct = append(direct, h.direct...)
	clear(h.direct)
	h.direct = h.direct[:0]
	return slow, direct
}

// finishDeliver closes the slow sessions and writes the direct ones, with
// h.mu released.
func finishDeliver(slow, direct []*Session) {
	closeSlow(slow)
	for _, s := range direct {
		s.flushDirect()
	}
}

func closeSlow(sessions []*Session) {
	for _, s := range sessions {
		s.closeSlow()
	}
}

// leave removes s from the index. If it was available, acd learns that one
// of its user's desktops went away, with what it had been given.
func (h *hub) leave(s *Session) {
	h.mu.Lock()
	s.mu.Lock()
	joined, delivered := s.joined, s.delivered
	s.joined = false
	if joined && !s.closed {
		// Unavailable but still open: what is queued is not written now
		// but replayed when it is available again, so it comes once.
		s.queue = slices.DeleteFunc(s.queue, func(o outbound) bool { return o.event != 0 })
	}
	s.mu.Unlock()
	if joined {
		// Available again, the session is owed what it was not given.
		s.bound, s.boundKnown = delivered, true
		h.unindex(s)
		id := s.user.ID
		delete(h.users[id], s)
		if len(h.users[id]) == 0 {
			delete(h.users, id)
			delete(h.explicit, id)
		}
	}
	h.mu.Unlock()
	if joined {
		s.departed(context.Background(), delivered)
	}
}

// reload re-reads a user's explicit subscriptions and re-indexes its
// sessions; h.mu is held.
func (h *hub) reload(ctx context.Context, user string) {
	sessions := h.users[user]
	if len(sessions) == 0 {
		return
	}
	subs, err := h.svc.engine.Subscriptions(ctx, user)
	if err != nil {
		slog.Error("reload subscriptions", "user", user, "err", err)
		return
	}
	h.explicit[user] = subs
	for s := range sessions {
		h.unindex(s)
		h.index(s)
	}
}

// index adds s under every node it receives; h.mu is held.
func (h *hub) index(s *Session) {
	nodes := directory.AutoNodes(s.user)
	for _, sub := range h.explicit[s.user.ID] {
		if (sub.JID == s.bare || sub.JID == s.jid) && !slices.Contains(nodes, sub.Node) {
			nodes = append(nodes, sub.Node)
		}
	}
	for _, n := range nodes {
		if h.nodes[n] == nil {
			h.nodes[n] = map[*Session]struct{}{}
		}
		h.nodes[n][s] = struct{}{}
	}
	s.nodes = nodes
}

// unindex removes s from every node; h.mu is held.
func (h *hub) unindex(s *Session) {
	for _, n := range s.nodes {
		delete(h.nodes[n], s)
		if len(h.nodes[n]) == 0 {
			delete(h.nodes, n)
		}
	}
	s.nodes = nil
}
