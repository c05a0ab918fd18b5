package acd

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// MemoryLog is the in-memory Log: bounded, ordered events and a channel
// that is closed to wake readers whenever events are appended. It keeps at
// least the newest retain events and at most an eighth more.
//
// Events live in chunks of an eighth of retain, and the oldest chunk goes
// once the others hold retain: appending never copies the log, which it
// does under the store's commit lock.
type MemoryLog struct {
	retain int
	chunk  int // events a chunk holds
	epoch  string

	mu     sync.Mutex
	chunks [][]Event // oldest first, all full but the last; IDs are consecutive
	held   int       // events in chunks
	last   EventID
	wake   chan struct{}
}

// NewMemoryLog returns a log that keeps at least the newest retain events.
func NewMemoryLog(retain int) *MemoryLog {
	if retain < 1 {
		retain = 1
	}
	return &MemoryLog{retain: retain, chunk: max(retain/8, 1), epoch: NewEpoch(), wake: make(chan struct{})}
}

func (l *MemoryLog) append(events []Event, now time.Time) {
	if len(events) == 0 {
		return
	}
	l.mu.Lock()
	for _, e := range events {
		l.last++
		e.ID, e.Time = l.last, now
		if n := len(l.chunks); n == 0 || len(l.chunks[n-1]) == l.chunk {
			l.chunks = append(l.chunks, make([]Event, 0, l.chunk))
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
func (l *MemoryLog) Read(ctx context.Context, after EventID, limit int) ([]Event, error) {
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
func (l *MemoryLog) since(id EventID, max int) []Event {
	if l.held == 0 || id >= l.last {
		return nil
	}
	first := l.chunks[0][0].ID
	start := 0
	if id >= first {
		start = int(id - first + 1)
	}
	out := make([]Event, 0, min(l.held-start, max))
	for i := start; i < l.held && len(out) < max; {
		c := l.chunks[i/l.chunk][i%l.chunk:]
		c = c[:min(len(c), max-len(out))]
		out = append(out, c...)
		i += len(c)
	}
	return out
}

// Last implements Log.
func (l *MemoryLog) Last(ctx context.Context) (EventID, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last, nil
}

// Epoch implements Log: a random UUID per MemoryLog, since its event IDs
// start again at 1 with every process.
func (l *MemoryLog) Epoch() string { return l.epoch }

// NewEpoch returns a new epoch for a Log: a random (version 4) UUID.
func NewEpoch() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
