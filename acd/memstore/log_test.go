package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/memstore"
)

// emit commits one transaction carrying one event per node.
func emit(tb testing.TB, s *memstore.Store, nodes ...string) {
	tb.Helper()
	err := s.Update(context.Background(), func(tx acd.Tx) error {
		for _, n := range nodes {
			tx.Emit(acd.Event{Nodes: []string{n}, Payload: []byte("<Update/>")})
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func ids(evs []acd.Event) string {
	s := ""
	for _, e := range evs {
		s += fmt.Sprintf(" %d", e.ID)
	}
	return s
}

type readResult struct {
	evs []acd.Event
	err error
}

func readAsync(l acd.Log, ctx context.Context, after acd.EventID, max int) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		evs, err := l.Read(ctx, after, max)
		ch <- readResult{evs, err}
	}()
	return ch
}

func TestMemoryLogReadWaitsForAnAppend(t *testing.T) {
	clock := acd.NewFakeClock(t0)
	s := memstore.New(clock, 100)
	l := s.Log()
	ch := readAsync(l, context.Background(), 0, 10)
	select {
	case r := <-ch:
		t.Fatalf("Read of an empty log returned %v, %v", ids(r.evs), r.err)
	default:
	}
	clock.Advance(time.Second)
	emit(t, s, "/a")
	r := <-ch
	if r.err != nil || ids(r.evs) != " 1" {
		t.Fatalf("Read after an append: %v, %v", ids(r.evs), r.err)
	}
	if e := r.evs[0]; e.Nodes[0] != "/a" || !e.Time.Equal(t0.Add(time.Second)) || string(e.Payload) != "<Update/>" {
		t.Errorf("event %+v", e)
	}

	// A reader that is up to date waits for the next event, not the last.
	ch = readAsync(l, context.Background(), 1, 10)
	select {
	case r := <-ch:
		t.Fatalf("Read after the last event returned %v, %v", ids(r.evs), r.err)
	default:
	}
	emit(t, s, "/b", "/c")
	r = <-ch
	if r.err != nil || ids(r.evs) != " 2 3" {
		t.Fatalf("Read after 1: %v, %v", ids(r.evs), r.err)
	}
}

func TestMemoryLogReadCancelled(t *testing.T) {
	s := memstore.New(acd.NewFakeClock(t0), 100)
	ctx, cancel := context.WithCancel(context.Background())
	ch := readAsync(s.Log(), ctx, 0, 10)
	cancel()
	if r := <-ch; !errors.Is(r.err, context.Canceled) || r.evs != nil {
		t.Fatalf("Read on cancel: %v, %v; want context.Canceled", ids(r.evs), r.err)
	}

	// Up to date and out of time: the deadline's error, not an empty read.
	emit(t, s, "/a")
	ctx, cancel = context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	if evs, err := s.Log().Read(ctx, 1, 10); !errors.Is(err, context.DeadlineExceeded) || evs != nil {
		t.Fatalf("Read past the deadline: %v, %v", ids(evs), err)
	}
	// Events already there are returned even when the context is done.
	if evs, err := s.Log().Read(ctx, 0, 10); err != nil || ids(evs) != " 1" {
		t.Fatalf("Read of a waiting event past the deadline: %v, %v", ids(evs), err)
	}
}

func TestMemoryLogPaging(t *testing.T) {
	s := memstore.New(acd.NewFakeClock(t0), 100)
	l := s.Log()
	ctx := context.Background()
	if last, _ := l.Last(ctx); last != 0 {
		t.Fatalf("empty log: Last = %d", last)
	}
	emit(t, s, "/1", "/2", "/3")
	emit(t, s, "/4", "/5")
	emit(t, s) // a transaction without events adds none
	if last, _ := l.Last(ctx); last != 5 {
		t.Fatalf("Last = %d, want 5", last)
	}
	for _, c := range []struct {
		after acd.EventID
		max   int
		want  string
	}{
		{0, 2, " 1 2"},
		{2, 2, " 3 4"},
		{4, 2, " 5"},
		{0, 100, " 1 2 3 4 5"},
		{3, 1, " 4"},
	} {
		evs, err := l.Read(ctx, c.after, c.max)
		if err != nil || ids(evs) != c.want {
			t.Errorf("Read(after %d, max %d) = %v, %v; want%s", c.after, c.max, ids(evs), err, c.want)
		}
		for _, e := range evs {
			if e.Nodes[0] != fmt.Sprintf("/%d", e.ID) {
				t.Errorf("event %d is the one for %s", e.ID, e.Nodes[0])
			}
		}
	}
}

func TestMemoryLogFailedTransactionEmitsNothing(t *testing.T) {
	s := memstore.New(acd.NewFakeClock(t0), 100)
	boom := errors.New("boom")
	err := s.Update(context.Background(), func(tx acd.Tx) error {
		tx.Emit(acd.Event{Nodes: []string{"/x"}})
		tx.PutAgent(acd.Agent{ID: "1001", State: "READY"})
		tx.SetDeviceHolder("3001", "1001")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Update: %v", err)
	}
	if last, _ := s.Log().Last(context.Background()); last != 0 {
		t.Errorf("a failed transaction emitted up to %d", last)
	}
	if a, _ := s.Agent(context.Background(), "1001"); a.State != "LOGOUT" {
		t.Errorf("a failed transaction stored %+v", a)
	}
	_ = s.Update(context.Background(), func(tx acd.Tx) error {
		if h, _ := tx.DeviceHolder("3001"); h != "" {
			t.Errorf("a failed transaction took device 3001 for %q", h)
		}
		return nil
	})
}

func TestMemoryLogTrim(t *testing.T) {
	s := memstore.New(acd.NewFakeClock(t0), 3)
	l := s.Log()
	ctx := context.Background()
	for i := 1; i <= 7; i++ {
		emit(t, s, fmt.Sprintf("/%d", i))
	}
	if last, _ := l.Last(ctx); last != 7 {
		t.Fatalf("Last = %d, want 7", last)
	}
	for _, c := range []struct {
		after acd.EventID
		max   int
		want  string
	}{
		// Behind the trim: the oldest retained, and the reader sees that
		// 2..4 are gone from the jump in IDs.
		{0, 10, " 5 6 7"},
		{1, 10, " 5 6 7"},
		{3, 2, " 5 6"},
		{4, 10, " 5 6 7"},
		{5, 10, " 6 7"},
		{6, 10, " 7"},
	} {
		evs, err := l.Read(ctx, c.after, c.max)
		if err != nil || ids(evs) != c.want {
			t.Errorf("Read(after %d, max %d) = %v, %v; want%s", c.after, c.max, ids(evs), err, c.want)
		}
	}
	// One transaction larger than the log keeps only its newest events.
	emit(t, s, "/8", "/9", "/10", "/11", "/12")
	if evs, err := l.Read(ctx, 0, 10); err != nil || ids(evs) != " 10 11 12" {
		t.Errorf("after a large transaction: %v, %v", ids(evs), err)
	}
}

func TestMemoryLogConcurrentReaders(t *testing.T) {
	s := memstore.New(acd.NewFakeClock(t0), 1000)
	const readers, events = 8, 200
	done := make(chan string, readers)
	for range readers {
		go func() {
			var after acd.EventID
			for after < events {
				evs, err := s.Log().Read(context.Background(), after, 7)
				if err != nil {
					done <- err.Error()
					return
				}
				for _, e := range evs {
					if e.ID != after+1 {
						done <- fmt.Sprintf("event %d after %d", e.ID, after)
						return
					}
					after = e.ID
				}
			}
			done <- ""
		}()
	}
	for i := range events {
		emit(t, s, fmt.Sprintf("/%d", i))
	}
	for range readers {
		if msg := <-done; msg != "" {
			t.Error(msg)
		}
	}
}

// TestMemoryLogReadsAcrossChunks: with events kept in chunks (an eighth of
// retain each), every read from every position returns the consecutive
// events it should, the oldest retained first when the reader is behind,
// and the log never keeps fewer than retain or an eighth more.
func TestMemoryLogReadsAcrossChunks(t *testing.T) {
	const retain = 16 // chunks of 2
	s := memstore.New(acd.NewFakeClock(t0), retain)
	l := s.Log()
	ctx := context.Background()
	last := 0
	for _, batch := range []int{1, 1, 3, 1, 5, 2, 7, 1, 1, 4, 9, 1, 2, 6} {
		nodes := make([]string, batch)
		for i := range nodes {
			nodes[i] = fmt.Sprintf("/%d", last+i+1)
		}
		emit(t, s, nodes...)
		last += batch
		all, err := l.Read(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		oldest := int(all[0].ID)
		if held := last - oldest + 1; held < min(retain, last) || held > retain+retain/8 {
			t.Fatalf("after event %d the log holds %d events", last, held)
		}
		for after := 0; after < last; after++ { // at last, Read waits for the next event
			for _, limit := range []int{1, 2, 3, 5, 100} {
				evs, err := l.Read(ctx, acd.EventID(after), limit)
				from := max(after+1, oldest)
				want := ""
				for id := from; id <= last && id < from+limit; id++ {
					want += fmt.Sprintf(" %d", id)
				}
				if err != nil || ids(evs) != want {
					t.Fatalf("after event %d: Read(after %d, limit %d) = %q, %v; want %q", last, after, limit, ids(evs), err, want)
				}
			}
		}
	}
}

// emitSized commits one event whose payload is n bytes long and holds
// spare bytes of capacity beyond them.
func emitSized(tb testing.TB, s *memstore.Store, n, spare int) {
	tb.Helper()
	payload := make([]byte, n, n+spare)
	for i := range payload {
		payload[i] = 'x'
	}
	err := s.Update(context.Background(), func(tx acd.Tx) error {
		tx.Emit(acd.Event{Nodes: []string{"/n"}, Payload: payload})
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// A log bounded by bytes keeps the newest events up to that bound, and at
// most a chunk more, however many events its count would allow; reads
// still return consecutive events ending at the last.
func TestMemoryLogBoundedByBytes(t *testing.T) {
	const size, bound = 1000, 50_000
	s := memstore.NewLimited(acd.NewFakeClock(t0), memstore.Limits{Events: 1000, Bytes: bound}) // chunks of 125
	l := s.Log()
	for i := 1; i <= 2000; i++ {
		emitSized(t, s, size, 0)
		events, bytes := l.Size()
		if i*size >= bound && bytes < bound || bytes > bound+125*(size+200) {
			t.Fatalf("after %d events of %d bytes the log holds %d events, %d bytes", i, size, events, bytes)
		}
	}
	events, bytes := l.Size()
	if events >= 1000 || bytes < int64(events*size) {
		t.Errorf("the log holds %d events, %d bytes: the bytes did not bound it", events, bytes)
	}
	evs, err := l.Read(context.Background(), 0, 5000)
	if err != nil || len(evs) != events || evs[len(evs)-1].ID != 2000 || evs[0].ID != acd.EventID(2000-events+1) {
		t.Errorf("Read from the start: %d events, the first %d, the last %d, %v", len(evs), evs[0].ID, evs[len(evs)-1].ID, err)
	}
}

// A payload rendered into a buffer with much spare capacity is kept at
// its length, so that what the log holds is what it counts; one without
// is kept as it is.
func TestMemoryLogKeepsPayloadsAtTheirLength(t *testing.T) {
	s := memstore.New(acd.NewFakeClock(t0), 100)
	emitSized(t, s, 1100, 948) // a 2,048-byte rendering buffer
	emitSized(t, s, 1100, 0)
	evs, err := s.Log().Read(context.Background(), 0, 10)
	if err != nil || len(evs) != 2 {
		t.Fatalf("Read: %d events, %v", len(evs), err)
	}
	for _, e := range evs {
		if len(e.Payload) != 1100 || cap(e.Payload) > 1100+1100/4 || string(e.Payload[:3]) != "xxx" {
			t.Errorf("event %d: payload of %d bytes, capacity %d", e.ID, len(e.Payload), cap(e.Payload))
		}
	}
	if _, bytes := s.Log().Size(); bytes < 2*1100 || bytes > 2*(1100+1100/4+200) {
		t.Errorf("two events of 1,100 bytes counted as %d bytes", bytes)
	}
}
