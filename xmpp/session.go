package xmpp

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/acd"
)

// ErrSessionClosed is what Next returns once a session is closed and its
// queue has been written.
var ErrSessionClosed = errors.New("xmpp: session closed")

// Session is one negotiated, authenticated and bound stream of a user, on
// any transport. Its methods are safe for concurrent use: a transport's
// reader calls Handle, its writer calls Next and Written, and the service's
// dispatcher queues notifications.
type Session struct {
	svc       *Service
	user      *acd.User
	bare      string // user@domain
	jid       string // user@domain/resource
	nonce     string // tells this session from others under its JID
	transport string
	written   prometheus.Observer // the write stage's histogram for transport
	remote    string              // the client's address, for the log
	opened    time.Time           // for the log
	msgPrefix []byte              // <message from='pubsub.domain' to='jid' id='
	// bound is the last event dispatched when the session bound its
	// resource (boundKnown false: before the hub knew where the log
	// ended), or when it was last unavailable, what it had been given.
	// Every event after it is owed to the session from its initial
	// presence on, so that a change made between bind and presence, as
	// real desktops make them, is not lost. The hub's lock guards both.
	bound      acd.EventID
	boundKnown bool

	// direct, when the transport has one, writes without blocking: the
	// goroutine that queues a stanza for an idle session writes it itself
	// (after the hub's lock is released) instead of waking the session's
	// writer, which under load waits for a CPU behind every other woken
	// writer. What the socket does not take at once is left to the writer.
	direct DirectWriter

	mu        sync.Mutex
	queue     []outbound
	wake      chan struct{}
	closed    bool
	closeErr  *StreamError
	joined    bool // available: presence sent, receiving notifications
	nodes     []string
	delivered acd.EventID // cursor: every event up to it was written or not owed
	inflight  acd.EventID // first event of the batch the writer holds, 0 for none
	ids       msgIDs
	done      chan struct{}
	// Who may write to the connection: at most one of the writer (a batch
	// taken by Next and not yet followed by the next Next) and a direct
	// flush (claimed by push). partial is a batch a direct flush wrote in
	// part, which the writer must finish before anything else.
	writerBusy bool
	directBusy bool
	partial    *Batch
}

// outbound is one queued stanza: head then body. Notifications share body
// (rendered once per event and node) and differ only in head.
type outbound struct {
	head, body []byte
	event      acd.EventID
	// committed and dispatched are when the event was committed and when
	// the hub handed it out, in Unix nanoseconds (smaller than two
	// time.Time in a queue of thousands); dispatched is 0 for a replay,
	// which the latency histograms leave out: its event may be seconds old
	// by design.
	committed, dispatched int64
}

// User is the session's authenticated user.
func (s *Session) User() *acd.User { return s.user }

// JID is the session's full JID.
func (s *Session) JID() string { return s.jid }

// Transport names the session's transport: tcp, websocket or bosh.
func (s *Session) Transport() string { return s.transport }

// Done is closed when the session closes.
func (s *Session) Done() <-chan struct{} { return s.done }

// CloseError is the stream error the session was closed with, or nil for a
// session its client closed.
func (s *Session) CloseError() *StreamError {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closeErr
}

// DirectWriter is a transport's write that never waits: it writes what
// the connection takes at once of b's stanzas, in order, and returns how
// many of their bytes that was (fewer than all when the socket's buffer is
// full; a transport that frames stanzas counts their bytes, not its
// frames'). err is for a connection that failed, not for a full buffer,
// or ErrHeld.
type DirectWriter interface {
	TryWrite(b *Batch) (int, error)
}

// ErrHeld is a DirectWriter's report that it took n bytes but holds part
// of them back (the rest of a frame the socket did not take whole), which
// the session's writer must let the transport finish: the writer is handed
// the batch after them, and the transport writes what it holds before
// anything else.
var ErrHeld = errors.New("xmpp: the transport holds part of a direct write")

// SetDirect gives the session its transport's non-blocking write, before
// it is available. Without one (BOSH, WebSocket, TLS), every stanza is
// written by the transport's writer (Next and Written).
func (s *Session) SetDirect(w DirectWriter) {
	s.mu.Lock()
	s.direct = w
	s.mu.Unlock()
}

// push queues one stanza. It reports false when the queue is full: the
// client is not reading fast enough, and the caller must closeSlow the
// session (outside the hub's lock) rather than let the queue grow. claimed
// is true when the caller is now the session's writer and must call
// flushDirect (outside the hub's lock): the session has a direct write and
// nobody was writing to its connection.
func (s *Session) push(o outbound) (ok, claimed bool) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return true, false
	}
	if len(s.queue) >= s.svc.opts.QueueLimit {
		s.mu.Unlock()
		return false, false
	}
	s.queue = append(s.queue, o)
	if s.directBusy {
		// A direct flush in progress writes it, or hands it on.
		s.mu.Unlock()
		return true, false
	}
	if s.direct != nil && !s.writerBusy && s.partial == nil {
		s.directBusy = true
		s.mu.Unlock()
		return true, true
	}
	s.mu.Unlock()
	s.signal()
	return true, false
}

// signal wakes the session's writer.
func (s *Session) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// send queues a reply or other stanza of the session's own.
func (s *Session) send(stanza []byte) {
	ok, claimed := s.push(outbound{head: stanza})
	if !ok {
		s.closeSlow()
	}
	if claimed {
		s.flushDirect()
	}
}

// flushDirect writes what is queued with the session's direct write, as
// long as the connection takes all of it at once, by a caller that push
// made the session's writer. What the connection does not take (the rest
// of a batch written in part, or all of it after a failed write, which
// the writer's own write then reports) is left to the writer, with
// everything queued after it; so is all of it once the session is closed,
// for the writer ends the stream.
func (s *Session) flushDirect() {
	for {
		s.mu.Lock()
		if s.closed || len(s.queue) == 0 {
			s.directBusy = false
			handOff := s.closed || len(s.queue) > 0
			s.mu.Unlock()
			if handOff {
				s.signal()
			}
			return
		}
		b := &Batch{items: s.queue}
		s.queue = nil
		if s.inflight == 0 {
			s.inflight = b.firstEvent()
		}
		s.mu.Unlock()
		n, err := s.direct.TryWrite(b)
		if err == nil && n == b.size() {
			s.Written(b)
			continue
		}
		b.skip = n
		s.mu.Lock()
		s.partial, s.directBusy = b, false
		s.mu.Unlock()
		s.signal()
		return
	}
}

// closeSlow closes a session whose queue overflowed, counting what it
// never received.
func (s *Session) closeSlow() {
	s.mu.Lock()
	dropped, closed := len(s.queue), s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	s.svc.metrics.slowClosed.Inc()
	s.svc.metrics.dropped.Add(float64(dropped + 1))
	s.closeWith(&StreamError{Condition: "policy-violation", Text: "the client is not reading its notifications fast enough"}, false,
		strconv.Itoa(dropped+1)+" stanzas dropped")
}

// Batch is a run of queued stanzas for a transport to write, in order.
type Batch struct {
	items []outbound
	// skip is how many of the batch's first bytes a direct write already
	// wrote: the writer writes the rest.
	skip int
}

// NewBatch is a batch of the given stanzas, none of them a notification:
// what a transport's writer is handed, for its tests.
func NewBatch(stanzas ...[]byte) *Batch {
	b := &Batch{items: make([]outbound, len(stanzas))}
	for i, st := range stanzas {
		b.items[i].head = st
	}
	return b
}

// Len is the number of stanzas in b.
func (b *Batch) Len() int { return len(b.items) }

// Each calls f with each stanza's parts; a stanza is head followed by body.
// Of a batch a direct write wrote in part, the stanzas it wrote in full are
// left out and the first is cut to what remains of it.
func (b *Batch) Each(f func(head, body []byte)) {
	skip := b.skip
	for _, o := range b.items {
		head, body := o.head, o.body
		if skip > 0 {
			k := min(skip, len(head))
			head, skip = head[k:], skip-k
			k = min(skip, len(body))
			body, skip = body[k:], skip-k
			if len(head) == 0 && len(body) == 0 {
				continue
			}
		}
		f(head, body)
	}
}

// Buffers returns b's bytes as a vector for one writev.
func (b *Batch) Buffers() [][]byte {
	bufs := make([][]byte, 0, 2*len(b.items))
	b.Each(func(head, body []byte) {
		if len(head) > 0 {
			bufs = append(bufs, head)
		}
		if len(body) > 0 {
			bufs = append(bufs, body)
		}
	})
	return bufs
}

// size is how many bytes of b are left to write.
func (b *Batch) size() int {
	n := -b.skip
	for _, o := range b.items {
		n += len(o.head) + len(o.body)
	}
	return n
}

// Next waits for queued stanzas and returns them all. After the session
// closes it returns what is still queued, then ErrSessionClosed. A
// transport's writer calls it once it has written the batch before, if
// any: while it waits here, a direct write (SetDirect) may write instead.
func (s *Session) Next(ctx context.Context) (*Batch, error) {
	for {
		s.mu.Lock()
		s.writerBusy = false
		if s.directBusy {
			// A direct flush is writing: it hands on what it leaves, and
			// signals once the session is closed. Until then the session's
			// end is waited for too, after which only that signal is.
			closed := s.closed
			s.mu.Unlock()
			done := s.done
			if closed {
				done = nil
			}
			select {
			case <-s.wake:
			case <-done:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			continue
		}
		if b := s.partial; b != nil {
			s.partial, s.writerBusy = nil, true
			s.mu.Unlock()
			return b, nil
		}
		if len(s.queue) > 0 {
			b := &Batch{items: s.queue}
			s.queue = nil
			if s.inflight == 0 {
				s.inflight = b.firstEvent()
			}
			s.writerBusy = true
			s.mu.Unlock()
			return b, nil
		}
		closed := s.closed
		s.mu.Unlock()
		if closed {
			return nil, ErrSessionClosed
		}
		select {
		case <-s.wake:
		case <-s.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// firstUnwritten is the event of the first notification not yet written
// to the client's connection, 0 when there is none.
func (s *Session) firstUnwritten() acd.EventID {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight != 0 {
		return s.inflight
	}
	return (&Batch{items: s.queue}).firstEvent()
}

// firstEvent is the event of b's first notification, 0 if it has none.
func (b *Batch) firstEvent() acd.EventID {
	for _, o := range b.items {
		if o.event != 0 {
			return o.event
		}
	}
	return 0
}

// Written tells the session that b reached the client's connection, so its
// notifications count as delivered.
func (s *Session) Written(b *Batch) {
	now := time.Now()
	var first, last acd.EventID
	n := 0
	for _, o := range b.items {
		if o.event == 0 {
			continue
		}
		n++
		if first == 0 {
			first = o.event
		}
		last = max(last, o.event)
		if o.dispatched != 0 {
			at := now.UnixNano()
			s.svc.metrics.latency.Observe(seconds(at - o.committed))
			s.written.Observe(seconds(at - o.dispatched))
		}
	}
	s.svc.metrics.stanzasOut.WithLabelValues(s.transport).Add(float64(len(b.items)))
	if n == 0 {
		return
	}
	s.svc.metrics.delivered.Add(float64(n))
	s.mu.Lock()
	s.delivered = max(s.delivered, last)
	if s.inflight == first {
		s.inflight = 0
	}
	s.mu.Unlock()
}

// Unwritten tells the session that writing b failed: nothing is in
// flight any more, and b's notifications stay owed.
func (s *Session) Unwritten(b *Batch) {
	s.mu.Lock()
	if s.inflight == b.firstEvent() {
		s.inflight = 0
	}
	s.mu.Unlock()
}

func seconds(nanos int64) float64 { return float64(nanos) / 1e9 }

// Fail ends the session with a stream error for the client, after what is
// already queued.
func (s *Session) Fail(err *StreamError) { s.closeWith(err, true, "") }

// Close ends the session from the transport's side: the client closed
// its stream.
func (s *Session) Close() { s.CloseFor("the client closed its stream") }

// CloseFor is Close for another reason than the client's closing its
// stream (the connection was lost, a BOSH session expired), which the log
// line of its end gives.
func (s *Session) CloseFor(reason string) { s.closeWith(nil, false, reason) }

// closeWith ends the session with a stream error (nil for none), for the
// reason given (with a stream error, what it adds to it). With flush,
// stanzas already queued are still handed to the writer first.
func (s *Session) closeWith(err *StreamError, flush bool, reason string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed, s.closeErr = true, err
	if !flush {
		s.queue = nil
	}
	s.mu.Unlock()
	close(s.done)
	s.svc.detach(s)
	s.logClosed(err, reason)
}

// settleWait bounds how long AwaitWritten waits.
const settleWait = 100 * time.Millisecond

// AwaitWritten gives the batch the session's writer holds a moment to be
// reported written (Written or Unwritten). A transport's reader calls it
// when the client's stream ended, before it closes the session, so that
// the cursor the session leaves counts what its client was given: a client
// that reads its last notification and closes at once can close before
// the writer has said it wrote it, and the user's next desktop would be
// given that notification again.
func (s *Session) AwaitWritten() {
	for deadline := time.Now().Add(settleWait); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		s.mu.Lock()
		holding := s.inflight != 0
		s.mu.Unlock()
		if !holding {
			return
		}
	}
}

// logAttrs say which session a log line is about.
func (s *Session) logAttrs() []any {
	return []any{"user", s.user.ID, "jid", s.jid, "transport", s.transport, "remote", s.remote}
}

// logClosed logs the end of the session once, saying why: a slow client
// as a warning, a shutdown (every session at once) only at debug level.
func (s *Session) logClosed(err *StreamError, reason string) {
	level := slog.LevelInfo
	if err != nil {
		reason = strings.TrimSuffix(err.Condition+": "+err.Text+"; "+reason, "; ")
		switch err.Condition {
		case "policy-violation":
			level = slog.LevelWarn
		case "system-shutdown":
			level = slog.LevelDebug
		}
	}
	attrs := append(s.logAttrs(), "reason", reason, "lasted", time.Since(s.opened).Round(time.Second).String())
	slog.Log(context.Background(), level, "session closed", attrs...)
}
