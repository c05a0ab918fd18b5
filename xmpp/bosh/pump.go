package bosh

import (
	"context"

	"github.com/finessed/finessed/xmpp"
)

// pump moves the bound session's outbound stanzas into s.pending, one
// batch at a time and only when pending is empty: while the client does
// not collect them, stanzas stay in the core's bounded queue, whose
// overflow closes a session that does not keep up. It ends when the
// xmpp.Session is closed and drained, which every end of the BOSH session
// and Handler.Close bring about.
func (s *session) pump(xs *xmpp.Session) {
	defer s.h.wg.Done()
	for {
		s.mu.Lock()
		for len(s.pending) > 0 && !s.gone && !isClosed(xs.Done()) {
			s.mu.Unlock()
			select {
			case <-s.room:
			case <-xs.Done():
			}
			s.mu.Lock()
		}
		s.mu.Unlock()

		// Next does not need a context: it returns once the session is
		// closed, and every path that ends this BOSH session closes it.
		b, err := xs.Next(context.Background())
		s.mu.Lock()
		if err != nil {
			if s.end == nil {
				s.endLocked(coreEnding(xs.CloseError()))
			}
			s.mu.Unlock()
			return
		}
		s.pending = append(s.pending, item{batch: b})
		// Once the core has closed the session, keep what it still has
		// for the terminal response rather than answer without the end.
		if !isClosed(xs.Done()) {
			s.dispatchLocked()
		}
		s.mu.Unlock()
	}
}

// coreEnding turns the way the core closed a session into a BOSH end:
// system-shutdown as the BOSH condition of that name, other stream errors
// (conflict, policy-violation for a slow client) as remote-stream-error.
func coreEnding(se *xmpp.StreamError) *ending {
	switch {
	case se == nil:
		return &ending{}
	case se.Condition == "system-shutdown":
		return &ending{condition: "system-shutdown"}
	}
	return &ending{condition: "remote-stream-error", streamErr: se}
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}
