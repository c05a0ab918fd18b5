package memstore

import (
	"cmp"
	"context"
	"sync"
	"time"

	"github.com/finessed/finessed/acd"
)

// Log is the in-memory Log: bounded, ordered events and a channel
// that is closed to wake readers whenever events are appended. It keeps at
// least the newest retain events and at most an eighth more.
//
// Events live in chunks of an eighth of retain, and the oldest chunk goes
// once the others hold retain: appending never copies the log, which it
// does under the store's commit lock.
type Log struct {
	retain int
	chunk  int // events a chunk holds
	epoch  string

	mu     sync.Mutex
	chunks [][]acd.Event // oldest first, all full but the last; IDs are consecutive
	held   int           // events in chunks
	last   acd.EventID
	wake   chan struct{}
}

// NewLog returns a log that keeps at least the newest retain events.
func NewLog(retain int) *Log {
	if retain < 1 {
		retain = 1
	}
	return &Log{retain: retain, chunk: max(retain/8, 1), epoch: acd.NewEpoch(), wake: make(chan struct{})}
}

func (l *Log) append(events []acd.Event, now time.Time) {
	if len(events) == 0 {
		return
	}
	l.mu.Lock()
	for _, e := range events {
		l.last++
		e.ID, e.Time = l.last, now
		if n := len(l.chunks); n == 0 || len(l.chunks[n-1]) == l.chunk {
			l.chunks = append(l.chunks, make([]acd.Event, 0, l.chunk))
		}
		l.chunks[len(l.chunks)-1] = append(l.chunks[len(l.chunks)-1], e)
		l.held++
	}
	for l.held-len(l.chunks[0]) >= l.retain {
		l.held -= len(l.chunks[0])
		l.chunks[0] = nil // collectable now, not when the slice moves on
		l.chunks = l.chunks[1:]
	}
	wake := l.wake
	l.wake = make(chan struct{})
	l.mu.Unlock()
	close(wake)
}

// Read implements Log.
func (l *Log) Read(ctx context.Context, after acd.EventID, limit int) ([]acd.Event, error) {
	limit = cmp.Or(max(limit, 0), 1)
	for {
		l.mu.Lock()
		out := l.since(after, limit)
		wake := l.wake
		l.mu.Unlock()
		if len(out) > 0 {
			return out, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wake:
		}
	}
}

// since returns up to max events after id; l.mu must be held.
func (l *Log) since(id acd.EventID, max int) []acd.Event {
	if l.held == 0 || id >= l.last {
		return nil
	}
	first := l.chunks[0][0].ID
	start := 0
	if id >= first {
		start = int(id - first + 1)
	}
	out := make([]acd.Event, 0, min(l.held-start, max))
	for i := start; i < l.held && len(out) < max; {
		c := l.chunks[i/l.chunk][i%l.chunk:]
		c = c[:min(len(c), max-len(out))]
		out = append(out, c...)
		i += len(c)
	}
	return out
}

// Last implements Log.
func (l *Log) Last(ctx context.Context) (acd.EventID, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, nil
}

// Epoch implements Log: a random UUID per Log, since its event IDs
// start again at 1 with every process.
func (l *Log) Epoch() string { return l.epoch }
