package memstore

import (
	"cmp"
	"context"
	"sync"
	"time"
	"unsafe"

	"github.com/finessed/finessed/acd"
)

// Limits bound a Log's memory: it keeps the newest events until it holds
// Events of them or Bytes of them (as eventSize estimates), whichever
// comes first, and at most a chunk more.
type Limits struct {
	Events int
	Bytes  int64
}

// DefaultBytes is the most a node's Log holds by default, as eventSize
// estimates it (about 1.4 KB a User change): some 24,000 events, 24
// seconds at 1,000 state changes a second and minutes at the hundred
// events a second of 2,000 agents at work, and RSS stays flat once it is
// full.
const DefaultBytes = 32 << 20

// maxChunk bounds a chunk's events, so that a log bounded by bytes drops
// little at a time.
const maxChunk = 1024

// Log is the in-memory Log: bounded, ordered events and a channel
// that is closed to wake readers whenever events are appended. It keeps
// the newest events up to its Limits, and at most a chunk more.
//
// Events live in chunks of an eighth of Limits.Events (1,024 at most),
// and the oldest chunk goes once the others reach either limit: appending
// never copies the log, which it does under the store's commit lock.
type Log struct {
	limits Limits
	chunk  int // events a chunk holds
	epoch  string

	mu         sync.Mutex
	chunks     [][]acd.Event // oldest first, all full but the last; IDs are consecutive
	chunkBytes []int64       // the estimated size of each chunk's events
	held       int           // events in chunks
	bytes      int64         // their estimated size
	last       acd.EventID
	wake       chan struct{}
}

// NewLog returns a log that keeps the newest retain events, DefaultBytes
// of them at most.
func NewLog(retain int) *Log {
	return NewLimitedLog(Limits{Events: retain, Bytes: DefaultBytes})
}

// NewLimitedLog returns a log that keeps the newest events up to limits
// (at least one event and one byte).
func NewLimitedLog(limits Limits) *Log {
	limits.Events, limits.Bytes = max(limits.Events, 1), max(limits.Bytes, 1)
	return &Log{limits: limits, chunk: min(max(limits.Events/8, 1), maxChunk), epoch: acd.NewEpoch(), wake: make(chan struct{})}
}

// eventSize estimates the memory an event holds in the log: the event,
// its payload's backing array and its node names.
func eventSize(e acd.Event) int64 {
	n := int(unsafe.Sizeof(e)) + cap(e.Payload) + len(e.SubscriptionsOf)
	for _, node := range e.Nodes {
		n += int(unsafe.Sizeof(node)) + len(node)
	}
	return int64(n)
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
			l.chunkBytes = append(l.chunkBytes, 0)
		}
		size := eventSize(e)
		l.chunks[len(l.chunks)-1] = append(l.chunks[len(l.chunks)-1], e)
		l.chunkBytes[len(l.chunkBytes)-1] += size
		l.held++
		l.bytes += size
	}
	for l.held-len(l.chunks[0]) >= l.limits.Events || l.bytes-l.chunkBytes[0] >= l.limits.Bytes {
		l.held -= len(l.chunks[0])
		l.bytes -= l.chunkBytes[0]
		l.chunks[0] = nil // collectable now, not when the slice moves on
		l.chunks, l.chunkBytes = l.chunks[1:], l.chunkBytes[1:]
	}
	wake := l.wake
	l.wake = make(chan struct{})
	l.mu.Unlock()
	close(wake)
}

// Size is how many events the log holds and their estimated bytes.
func (l *Log) Size() (events int, bytes int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held, l.bytes
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
