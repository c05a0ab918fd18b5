package loadgen

import (
	"io"
	"time"

	xwebsocket "golang.org/x/net/websocket"
)

// keepAliveEvery is how often a run's sessions tell the server they are
// still there: well inside finessed's 2-minute idle timeout, which
// otherwise closes a session that only listens.
const keepAliveEvery = 30 * time.Second

// keepAliver is a session that can show it is alive with a write whose
// answer, if any, its reader skips like any stanza without a requestId.
type keepAliver interface {
	keepAlive() error
}

// keepAlive is a whitespace keep-alive (RFC 6120 §4.6.1).
func (s *rawSession) keepAlive() error {
	_, err := io.WriteString(s.conn, " ")
	return err
}

// keepAlive is an XMPP ping (XEP-0199): RFC 7395 has no whitespace
// between WebSocket messages.
func (s *wsSession) keepAlive() error {
	return xwebsocket.Message.Send(s.ws, "<iq type='get' id='keepalive' xmlns='jabber:client'><ping xmlns='urn:xmpp:ping'/></iq>")
}

// startKeepAlive keeps the run's sessions alive every interval until
// tearDown, from one goroutine for all of them: tens of thousands of
// sessions need no timer each. BOSH sessions keep themselves alive by
// polling.
func (r *run) startKeepAlive(interval time.Duration) {
	r.stopKeepAlive = make(chan struct{})
	r.keeper.Go(func() {
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
			case <-r.stopKeepAlive:
				return
			}
			for _, k := range r.keepAlivers() {
				select {
				case <-r.stopKeepAlive:
					return
				default:
				}
				// A failed write is the reader's to report: the
				// connection is gone either way.
				k.keepAlive()
			}
		}
	})
}

// keepAlivers are the sessions open now, taken under the lock and written
// to outside it, so that a slow socket never holds up a reconnect.
func (r *run) keepAlivers() []keepAliver {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]keepAliver, 0, len(r.slots))
	for _, sl := range r.slots {
		if k, ok := sl.s.(keepAliver); ok {
			out = append(out, k)
		}
	}
	return out
}

// stopKeepingAlive ends startKeepAlive's goroutine and waits for it.
func (r *run) stopKeepingAlive() {
	if r.stopKeepAlive != nil {
		close(r.stopKeepAlive)
		r.keeper.Wait()
	}
}
