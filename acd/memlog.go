package acd

import (
	"cmp"
	"context"
	"crypto/rand"
	"fmt"
	"sync"
	"time"
)

// MemoryLog is the in-memory Log: a bounded, ordered slice of events and a
// channel that is closed to wake readers whenever events are appended. It
// keeps at least the newest retain events and at most an eighth more.
type MemoryLog struct {
	retain int
	epoch  string

	mu     sync.Mutex
	events []Event // oldest first; IDs are consecutive
	last   EventID
	wake   chan struct{}
}

// NewMemoryLog returns a log that keeps at least the newest retain events.
func NewMemoryLog(retain int) *MemoryLog {
	if retain < 1 {
		retain = 1
	}
	return &MemoryLog{retain: retain, epoch: NewEpoch(), wake: make(chan struct{})}
}

func (l *MemoryLog) append(events []Event, now time.Time) {
	if len(events) == 0 {
		return
	}
	l.mu.Lock()
	for _, e := range events {
		l.last++
		e.ID, e.Time = l.last, now
		l.events = append(l.events, e)
	}
	// Trim only once the log is an eighth over its limit, so the copy that
	// lets dropped events be collected is paid once per retain/8 appends
	// rather than on every append.
	if len(l.events) > l.retain+l.retain/8 {
		l.events = append(make([]Event, 0, l.retain+l.retain/8+1), l.events[len(l.events)-l.retain:]...)
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
	if len(l.events) == 0 || id >= l.last {
		return nil
	}
	first := l.events[0].ID
	start := 0
	if id >= first {
		start = int(id - first + 1)
	}
	end := min(len(l.events), start+max)
	out := make([]Event, end-start)
	copy(out, l.events[start:end])
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
