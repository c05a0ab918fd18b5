package bosh

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/xmpp"
)

// session is one BOSH session: its rid window, held requests, the stanzas
// pending for the client and the responses kept for retransmission.
type session struct {
	h        *Handler
	sid      string
	wait     time.Duration
	hold     int
	requests int

	// The stream's negotiation, touched only by the request that holds
	// the token (see take), handed from one to the next under mu.
	stage        stage
	user         *directory.User
	authFailures int
	challenged   bool // a SASL challenge awaits its <response>

	mu      sync.Mutex
	xs      *xmpp.Session           // once bound
	next    int64                   // the rid to process next
	busy    bool                    // the request with rid next is being processed
	advance chan struct{}           // closed (and replaced) when next moves or the session ends
	waiting map[int64]chan struct{} // early requests, one per rid; closing sends one away
	held    []*slot                 // held requests by rid
	pending []item                  // for the next response
	room    chan struct{}           // tells the pump that pending was emptied
	cache   map[int64]*response     // the last requests' responses, by rid
	end     *ending                 // set once the session ended
	gone    bool                    // the terminal response went out, or nobody is left to get it
	active  int                     // requests being served
	idle    *time.Timer
	idleGen uint64

	// Set at creation; the Handler's mutex guards unboundCounted.
	addr           string      // the source address it is counted under
	negotiation    *time.Timer // ends it if it has not bound in time
	unboundCounted bool
}

// slot is a held request waiting for its response.
type slot struct {
	rid      int64
	ch       chan *response // buffered: whoever answers never blocks
	answered bool
}

// response is what one request was answered with. Kept by rid so that a
// retry of the request gets the same bytes (XEP-0124 §14.3).
type response struct {
	rid     int64
	data    []byte
	items   []item // until written: the batches to acknowledge, or put back
	final   bool   // a terminal response, never cached
	replays int
	written bool
}

func newSession(h *Handler, sid string, rid int64, wait time.Duration, hold int) *session {
	return &session{
		h: h, sid: sid, wait: wait, hold: hold, requests: hold + 1,
		next: rid + 1, advance: make(chan struct{}), waiting: map[int64]chan struct{}{},
		room: make(chan struct{}, 1), cache: map[int64]*response{},
	}
}

// serve answers one request of the session.
func (s *session) serve(w http.ResponseWriter, r *http.Request, b *body) {
	ctx := r.Context()
	s.mu.Lock()
	s.active++
	s.stopIdleLocked()
	resp, sl := s.take(ctx, b)
	s.mu.Unlock()
	defer s.release()
	if sl != nil {
		resp = s.await(ctx, sl)
	}
	if resp == nil {
		// Replaced by a retry of the same rid, or the client left.
		writeBody(w, r, []byte(bodyOpen+"/>"))
		return
	}
	s.write(w, r, resp)
}

// take processes a request in rid order. It returns a response to write
// at once, a slot to wait on, or neither when the request was given up.
// s.mu is held on entry and on return, released while processing.
func (s *session) take(ctx context.Context, b *body) (*response, *slot) {
	for {
		rid := b.rid
		switch {
		case s.end != nil:
			return s.terminateLocked(), nil
		case rid == 0:
			s.endLocked(&ending{condition: "bad-request"})
			continue
		case rid < s.next:
			return s.repeatLocked(rid)
		case rid > s.next+int64(s.requests):
			// Beyond the window XEP-0124 §14.2 allows.
			s.endLocked(&ending{condition: "item-not-found"})
			continue
		case rid == s.next && !s.busy:
			s.busy = true
			s.mu.Unlock()
			// Processing completes even if the client goes away: its
			// stanzas were received and the rid is spent.
			end := s.processSafely(context.WithoutCancel(ctx), b)
			s.mu.Lock()
			s.busy = false
			s.next++
			for r := range s.cache {
				if r < s.next-int64(s.requests) {
					delete(s.cache, r)
				}
			}
			s.wakeLocked()
			sl := s.holdLocked(rid)
			if end != nil {
				s.endLocked(end)
			}
			s.dispatchLocked()
			return nil, sl
		}
		// Early (an earlier rid is missing or being processed): wait for
		// it. One waiter per rid, so a retry replaces what it repeats.
		kick := make(chan struct{})
		if old := s.waiting[rid]; old != nil {
			close(old)
		}
		s.waiting[rid] = kick
		adv := s.advance
		s.mu.Unlock()
		stop := false
		select {
		case <-adv:
		case <-kick:
			stop = true
		case <-ctx.Done():
			stop = true
		}
		s.mu.Lock()
		if s.waiting[rid] == kick {
			delete(s.waiting, rid)
		}
		if stop {
			return nil, nil
		}
	}
}

// repeatLocked serves a rid that was already processed.
func (s *session) repeatLocked(rid int64) (*response, *slot) {
	if rid < s.next-int64(s.requests) {
		s.endLocked(&ending{condition: "item-not-found"})
		return s.terminateLocked(), nil
	}
	if resp := s.cache[rid]; resp != nil {
		resp.replays++
		return resp, nil
	}
	for i, old := range s.held {
		if old.rid == rid {
			// A retry of a held request: its first connection is
			// presumably dead, and the retry takes its place.
			old.answered = true
			old.ch <- nil
			sl := &slot{rid: rid, ch: make(chan *response, 1)}
			s.held[i] = sl
			return nil, sl
		}
	}
	// Processed but never answered (the client left while it was held,
	// or the response could not be written): hold it again.
	sl := s.holdLocked(rid)
	s.dispatchLocked()
	return nil, sl
}

// holdLocked adds a held request, keeping s.held in rid order.
func (s *session) holdLocked(rid int64) *slot {
	sl := &slot{rid: rid, ch: make(chan *response, 1)}
	i, _ := slices.BinarySearchFunc(s.held, rid, func(h *slot, r int64) int { return cmp.Compare(h.rid, r) })
	s.held = slices.Insert(s.held, i, sl)
	return sl
}

// dispatchLocked answers held requests that must be: the oldest when
// something is pending or more than hold are held, all once the session
// ended.
func (s *session) dispatchLocked() {
	for len(s.held) > 0 {
		if s.end == nil && len(s.pending) == 0 && len(s.held) <= s.hold {
			return
		}
		s.answerLocked(s.held[0])
	}
}

// answerLocked gives a held request its response: everything pending, or
// the terminal response.
func (s *session) answerLocked(sl *slot) {
	s.held = slices.DeleteFunc(s.held, func(h *slot) bool { return h == sl })
	sl.answered = true
	if s.end != nil {
		sl.ch <- s.terminateLocked()
		return
	}
	resp := &response{rid: sl.rid, data: renderBody(s.pending), items: s.pending}
	s.pending = nil
	select {
	case s.room <- struct{}{}:
	default:
	}
	s.cache[sl.rid] = resp
	sl.ch <- resp
}

// terminateLocked renders the terminal response. The first one carries
// what is pending and makes the sid unknown; any other request still in
// flight gets a bare one.
func (s *session) terminateLocked() *response {
	if s.gone {
		return &response{data: renderTerminate(s.end, nil), final: true}
	}
	resp := &response{data: renderTerminate(s.end, s.pending), items: s.pending, final: true}
	s.pending = nil
	s.removeLocked()
	return resp
}

// await waits for a held request's response, answering it empty after
// wait. A client that goes away gives up its place: nothing is lost, as
// the stanzas stay pending for its next request.
func (s *session) await(ctx context.Context, sl *slot) *response {
	timer := time.NewTimer(s.wait)
	defer timer.Stop()
	select {
	case resp := <-sl.ch:
		return resp
	case <-timer.C:
		s.mu.Lock()
		if !sl.answered {
			s.answerLocked(sl)
		}
		s.mu.Unlock()
		return <-sl.ch
	case <-ctx.Done():
		s.mu.Lock()
		if !sl.answered {
			s.held = slices.DeleteFunc(s.held, func(h *slot) bool { return h == sl })
			s.mu.Unlock()
			return nil
		}
		s.mu.Unlock()
		return <-sl.ch
	}
}

// write sends a response. Only once it was written are its batches
// acknowledged to the core; if writing failed and nobody else sent these
// bytes, the stanzas go back to the front of pending for the next request
// (or a retry of this one).
func (s *session) write(w http.ResponseWriter, r *http.Request, resp *response) {
	err := writeBody(w, r, resp.data)
	s.mu.Lock()
	var done []item
	switch {
	case err == nil:
		if !resp.written {
			resp.written = true
			done, resp.items = resp.items, nil
		}
	case !resp.written && !resp.final && resp.replays == 0 && s.cache[resp.rid] == resp && !s.gone:
		delete(s.cache, resp.rid)
		s.pending = append(slices.Clip(resp.items), s.pending...)
		resp.items = nil
		s.dispatchLocked()
	}
	xs := s.xs
	s.mu.Unlock()
	for _, it := range done {
		if it.batch != nil {
			xs.Written(it.batch)
		}
	}
}

// endLocked ends the session. The xmpp.Session is closed (the core then
// reports the desktop gone); held requests get the terminal response, or
// the next request does.
func (s *session) endLocked(e *ending) {
	if s.end != nil {
		return
	}
	s.end = e
	s.h.settle(s)
	s.wakeLocked()
	if s.xs != nil {
		s.xs.CloseFor(e.reason())
	}
	s.dispatchLocked()
}

// removeLocked makes the sid unknown.
func (s *session) removeLocked() {
	s.gone = true
	s.stopIdleLocked()
	s.wakeLocked()
	s.h.forget(s)
}

func (s *session) wakeLocked() {
	close(s.advance)
	s.advance = make(chan struct{})
}

// release ends serving a request; when none is left the inactivity clock
// starts.
func (s *session) release() {
	s.mu.Lock()
	s.active--
	if s.active == 0 && !s.gone {
		s.armIdleLocked()
	}
	s.mu.Unlock()
}

func (s *session) armIdleLocked() {
	s.stopIdleLocked()
	gen := s.idleGen
	s.idle = time.AfterFunc(s.h.inactivity(), func() { s.expire(gen) })
}

func (s *session) stopIdleLocked() {
	s.idleGen++
	if s.idle != nil {
		s.idle.Stop()
		s.idle = nil
	}
}

// expire ends a session that had no request for the inactivity period:
// its client vanished, and it must not live on receiving fan-out.
func (s *session) expire(gen uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.idleGen || s.active > 0 || s.gone {
		return
	}
	s.endLocked(&ending{condition: "item-not-found", why: "no request within the inactivity period"})
	if !s.gone {
		s.removeLocked()
	}
}

// negotiationExpired ends a session that has not bound in time.
func (s *session) negotiationExpired() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.xs != nil || s.end != nil {
		return
	}
	inc(s.h.Expired)
	s.endLocked(&ending{condition: "remote-stream-error", streamErr: &xmpp.StreamError{
		Condition: "connection-timeout", Text: "authenticate and bind a resource sooner",
	}})
}

// shutdownLocked ends the session as the Handler closes. A bound session
// fails with system-shutdown so that what the core queued goes out first.
func (s *session) shutdownLocked() {
	if s.end != nil {
		return
	}
	if s.xs != nil {
		s.xs.Fail(&xmpp.StreamError{Condition: "system-shutdown", Text: "the server is shutting down"})
		return
	}
	s.endLocked(&ending{condition: "system-shutdown"})
}
