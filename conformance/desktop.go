package conformance

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// Session is what the runner needs of one desktop's XMPP session, on any
// transport.
type Session interface {
	Available(ctx context.Context) error
	Subscribe(ctx context.Context, node string) (string, error)
	Unsubscribe(ctx context.Context, node string) (string, error)
	Next(ctx context.Context) (xmpptest.Notification, error)
	Close() error
}

// Subscribe subscribes s to node, failing when the server answers with an
// error (a node that does not exist, or one the user may not watch), which
// Session.Subscribe returns as its reply.
func Subscribe(ctx context.Context, s Session, node string) error {
	reply, err := s.Subscribe(ctx, node)
	if err != nil {
		return err
	}
	if strings.Contains(reply, `type="error"`) || strings.Contains(reply, "type='error'") {
		if cond := xmpptest.Condition(reply); cond != "" {
			return fmt.Errorf("refused: %s", cond)
		}
		return fmt.Errorf("refused: %s", reply)
	}
	return nil
}

// listener keeps a desktop's notifications, one queue per node, as they
// arrive, so that an expectation on one node is not held up by another's.
type listener struct {
	name    string
	desktop *Desktop
	session Session
	cancel  context.CancelFunc
	done    chan struct{}

	mu      sync.Mutex
	arrived chan struct{} // closed and replaced on each arrival
	queues  map[string][]xmpptest.Notification
	err     error
}

func listen(name string, d *Desktop, s Session) *listener {
	ctx, cancel := context.WithCancel(context.Background())
	l := &listener{name: name, desktop: d, session: s, cancel: cancel, done: make(chan struct{}),
		arrived: make(chan struct{}), queues: map[string][]xmpptest.Notification{}}
	go l.run(ctx)
	return l
}

// run is the listener's goroutine; it ends when the session ends or stop
// cancels it.
func (l *listener) run(ctx context.Context) {
	defer close(l.done)
	for {
		n, err := l.session.Next(ctx)
		l.mu.Lock()
		if err != nil {
			l.err = err
		} else {
			l.queues[n.Node] = append(l.queues[n.Node], n)
		}
		close(l.arrived)
		l.arrived = make(chan struct{})
		l.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// next takes the oldest notification on node, waiting up to within.
func (l *listener) next(node string, within time.Duration) (xmpptest.Notification, error) {
	deadline := time.NewTimer(within)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		if q := l.queues[node]; len(q) > 0 {
			l.queues[node] = q[1:]
			l.mu.Unlock()
			return q[0], nil
		}
		arrived, err := l.arrived, l.err
		l.mu.Unlock()
		if err != nil {
			return xmpptest.Notification{}, fmt.Errorf("desktop %s: session ended: %w", l.name, err)
		}
		select {
		case <-arrived:
		case <-deadline.C:
			return xmpptest.Notification{}, fmt.Errorf("desktop %s: nothing on %s within %v", l.name, node, within)
		}
	}
}

// unexpected is every notification left on a node the desktop does not
// ignore.
func (l *listener) unexpected() []xmpptest.Notification {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []xmpptest.Notification
	for node, q := range l.queues {
		if !slices.Contains(l.desktop.Ignore, node) {
			out = append(out, q...)
		}
	}
	return out
}

// forget drops every notification received so far.
func (l *listener) forget() {
	l.mu.Lock()
	defer l.mu.Unlock()
	clear(l.queues)
}

func (l *listener) stop() {
	l.session.Close()
	l.cancel()
	<-l.done
}
