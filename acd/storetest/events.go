package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// testEvents: each committed transaction's events are appended in the
// order emitted, with consecutive IDs from 1 (then from the previous
// Last), the Time the clock read at commit, not at Emit (whatever ID and
// Time the emitter set), and their Nodes, Payload (byte for byte) and
// SubscriptionsOf as emitted. A transaction that emits nothing appends
// nothing; the epoch does not change.
func testEvents(t *testing.T, e *env) {
	epoch := e.Log.Epoch()
	big := bytes.Repeat([]byte("<e a=\"ü\">&amp;</e>\n"), 4096) // 80 KiB
	e.clock.Advance(1500*time.Millisecond + 7)
	t1 := e.clock.Now()
	e.emit(t, acd.Event{
		ID: 999, Time: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), // the Store's to set
		Nodes:   []string{"/finesse/api/User/1001"},
		Payload: []byte("<Update><data><user><firstName>" + awkward + "</firstName></user></data></Update>"),
	})
	if last := e.last(t); last != 1 {
		t.Fatalf("Last after the first event = %d, want 1", last)
	}
	e.clock.Advance(2 * time.Second)
	t2 := e.clock.Now()
	second := []acd.Event{
		{Nodes: []string{"/finesse/api/User/1001/Dialogs", "/finesse/api/Team/5/Users", "/finesse/api/User/1002"}, Payload: []byte("<Update>\r\n\t<data/>\r\n</Update>")},
		{SubscriptionsOf: "1001"},
		{Nodes: []string{"/finesse/api/Queue/100"}, Payload: big, SubscriptionsOf: "1002"},
	}
	e.emit(t, second...)
	if last := e.last(t); last != 4 {
		t.Fatalf("Last after a transaction of three events = %d, want 4", last)
	}
	e.update(t, func(tx acd.Tx) error {
		tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady})
		return nil
	})
	if last := e.last(t); last != 4 {
		t.Fatalf("Last after a transaction that emitted nothing = %d, want 4", last)
	}
	// Emitted, then the clock moves, then the commit: the commit's time.
	e.update(t, func(tx acd.Tx) error {
		tx.Emit(acd.Event{Nodes: []string{"/finesse/api/User/1001"}, Payload: []byte("<Update/>")})
		e.clock.Advance(time.Nanosecond)
		return nil
	})
	t3 := e.clock.Now()

	want := []acd.Event{
		{ID: 1, Time: t1, Nodes: []string{"/finesse/api/User/1001"},
			Payload: []byte("<Update><data><user><firstName>" + awkward + "</firstName></user></data></Update>")},
		{ID: 2, Time: t2, Nodes: second[0].Nodes, Payload: second[0].Payload},
		{ID: 3, Time: t2, SubscriptionsOf: "1001"},
		{ID: 4, Time: t2, Nodes: second[2].Nodes, Payload: big, SubscriptionsOf: "1002"},
		{ID: 5, Time: t3, Nodes: []string{"/finesse/api/User/1001"}, Payload: []byte("<Update/>")},
	}
	got := e.read(t, 0, 100)
	if !same(t, "events", got, want) {
		for i := range min(len(got), len(want)) {
			if !bytes.Equal(got[i].Payload, want[i].Payload) {
				t.Errorf("event %d: payload differs from byte %d", want[i].ID, firstDiff(got[i].Payload, want[i].Payload))
			}
		}
	}
	if last := e.last(t); last != 5 {
		t.Errorf("Last = %d, want 5", last)
	}
	if now := e.Log.Epoch(); now != epoch {
		t.Errorf("Epoch changed from %q to %q as events were appended", epoch, now)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// payloadOf is the payload testLogReadAfterMax and testLogTrim give the
// event they expect to get ID id.
func payloadOf(id acd.EventID) []byte { return fmt.Appendf(nil, "<Update n=\"%d\"/>", id) }

// emitNumbered appends n events, one transaction each, numbered from
// Last()+1.
func (e *env) emitNumbered(t testing.TB, n int) {
	t.Helper()
	last := e.last(t)
	for i := range n {
		e.emit(t, acd.Event{Nodes: []string{"/n"}, Payload: payloadOf(last + acd.EventID(i) + 1)})
	}
}

// checkNumbered fails t unless evs are the numbered events first to
// last, consecutive.
func checkNumbered(t testing.TB, what string, evs []acd.Event, first, last acd.EventID) {
	t.Helper()
	ok := len(evs) == int(last-first+1)
	for i, ev := range evs {
		ok = ok && ev.ID == first+acd.EventID(i) && bytes.Equal(ev.Payload, payloadOf(ev.ID))
	}
	if !ok {
		t.Errorf("%s = %s, want %d to %d", what, ids(evs), first, last)
	}
}

// testLogReadAfterMax: Read returns the events after after, oldest first,
// as many as there are up to max.
func testLogReadAfterMax(t *testing.T, e *env) {
	e.emitNumbered(t, 6)
	for _, c := range []struct {
		after       acd.EventID
		max         int
		first, last acd.EventID
	}{
		{0, 1, 1, 1},
		{0, 3, 1, 3},
		{0, 6, 1, 6},
		{0, 100, 1, 6},
		{2, 2, 3, 4},
		{4, 100, 5, 6},
		{5, 1, 6, 6},
		{5, 100, 6, 6},
	} {
		checkNumbered(t, fmt.Sprintf("Read(after %d, max %d)", c.after, c.max), e.read(t, c.after, c.max), c.first, c.last)
	}
}

type readResult struct {
	evs []acd.Event
	err error
}

// readAsync starts a Read in a goroutine of its own.
func (e *env) readAsync(ctx context.Context, after acd.EventID, max int) <-chan readResult {
	ch := make(chan readResult, 1)
	go func() {
		evs, err := e.Log.Read(ctx, after, max)
		ch <- readResult{evs, err}
	}()
	return ch
}

// startRead is readAsync that returns only once the Read has begun to
// consult its context, as a Read must before it waits (it must give up
// when the context is done), or has returned. This is no proof that the
// Read is waiting, but it orders what the caller does next after the
// Read's start without sleeping.
func (e *env) startRead(t testing.TB, ctx context.Context, after acd.EventID, max int) <-chan readResult {
	t.Helper()
	ec := &enteredContext{Context: ctx, entered: make(chan struct{})}
	ch := make(chan readResult, 1)
	returned := make(chan struct{})
	go func() {
		evs, err := e.Log.Read(ec, after, max)
		ch <- readResult{evs, err}
		close(returned)
	}()
	select {
	case <-ec.entered:
	case <-returned:
	case <-timeout():
		t.Fatal("Read neither returned nor consulted its context")
	}
	return ch
}

// enteredContext closes entered the first time it is used.
type enteredContext struct {
	context.Context
	once    sync.Once
	entered chan struct{}
}

func (c *enteredContext) mark() { c.once.Do(func() { close(c.entered) }) }

func (c *enteredContext) Done() <-chan struct{} {
	c.mark()
	return c.Context.Done()
}

func (c *enteredContext) Err() error {
	c.mark()
	return c.Context.Err()
}

func (c *enteredContext) Deadline() (time.Time, bool) {
	c.mark()
	return c.Context.Deadline()
}

func (c *enteredContext) Value(key any) any {
	c.mark()
	return c.Context.Value(key)
}

// await is the result of a readAsync, failing t if it never comes.
func await(t testing.TB, ch <-chan readResult) readResult {
	t.Helper()
	select {
	case r := <-ch:
		return r
	case <-timeout():
		t.Fatal("Read did not return: it ignores its context")
		return readResult{}
	}
}

// testLogReadWaits: a Read with nothing after after waits, and returns
// (to every reader waiting) what is committed next: on an empty log, the
// first event; after the newest, the next transaction's events. Waiting
// readers never return empty-handed.
func testLogReadWaits(t *testing.T, e *env) {
	const readers = 3
	ctx, cancel := context.WithTimeout(t.Context(), hangLimit)
	defer cancel()
	var waiting []<-chan readResult
	for range readers {
		waiting = append(waiting, e.startRead(t, ctx, 0, 10))
	}
	e.emitNumbered(t, 1)
	for i, ch := range waiting {
		r := await(t, ch)
		if r.err != nil {
			t.Fatalf("reader %d of the empty log: %v", i, r.err)
		}
		checkNumbered(t, fmt.Sprintf("reader %d of the empty log", i), r.evs, 1, 1)
	}

	// Two events in one transaction: a reader may get them in one Read or
	// more, never anything else.
	waiting = waiting[:0]
	for range readers {
		waiting = append(waiting, e.startRead(t, ctx, 1, 10))
	}
	e.emit(t,
		acd.Event{Nodes: []string{"/n"}, Payload: payloadOf(2)},
		acd.Event{Nodes: []string{"/n"}, Payload: payloadOf(3)})
	for i, ch := range waiting {
		r := await(t, ch)
		if r.err != nil {
			t.Fatalf("reader %d: %v", i, r.err)
		}
		evs := r.evs
		if len(evs) > 0 && evs[len(evs)-1].ID == 2 {
			evs = append(evs, e.read(t, 2, 10)...)
		}
		checkNumbered(t, fmt.Sprintf("reader %d waiting after event 1", i), evs, 2, 3)
	}
}

// testLogReadCancelled: a Read with nothing to return gives up with
// ctx.Err() once its context is done: cancelled before the call, while it
// waits, or past its deadline. The log works on afterwards.
func testLogReadCancelled(t *testing.T, e *env) {
	e.emitNumbered(t, 1)

	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	if evs, err := e.Log.Read(cancelled, 1, 10); !errors.Is(err, context.Canceled) || len(evs) > 0 {
		t.Errorf("Read with a cancelled context = %s, %v; want nothing and context.Canceled", ids(evs), err)
	}

	waitCtx, cancelWait := context.WithCancel(t.Context())
	ch := e.startRead(t, waitCtx, 1, 10)
	cancelWait()
	if r := await(t, ch); !errors.Is(r.err, context.Canceled) || len(r.evs) > 0 {
		t.Errorf("Read cancelled while waiting = %s, %v; want nothing and context.Canceled", ids(r.evs), r.err)
	}

	deadline, cancelDeadline := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancelDeadline()
	if r := await(t, e.readAsync(deadline, 1, 10)); !errors.Is(r.err, context.DeadlineExceeded) || len(r.evs) > 0 {
		t.Errorf("Read past its deadline = %s, %v; want nothing and context.DeadlineExceeded", ids(r.evs), r.err)
	}

	e.emitNumbered(t, 1)
	checkNumbered(t, "Read after the cancelled ones", e.read(t, 1, 10), 2, 2)
}

// testLogTrim: the log holds at least the newest retain events and at
// most the newest 2*retain. Read after a trimmed event returns the oldest
// retained ones, consecutive from there to the newest, so the reader sees
// the gap; so does Read after 0.
func testLogTrim(t *testing.T, e *env) {
	n := 2*e.retain + 1
	big := 4*e.retain + 10
	e.emitNumbered(t, n)
	last := acd.EventID(n)
	if got := e.last(t); got != last {
		t.Fatalf("Last = %d, want %d", got, last)
	}
	checkTrimmed := func(after acd.EventID) {
		t.Helper()
		evs := e.read(t, after, big)
		what := fmt.Sprintf("Read(after %d, max %d) of a trimmed log", after, big)
		if len(evs) == 0 {
			t.Fatalf("%s returned nothing", what)
		}
		first := evs[0].ID
		lo := max(last-acd.EventID(2*e.retain)+1, after+1) // holding 2*retain
		hi := max(last-acd.EventID(e.retain)+1, after+1)   // holding retain
		if first < lo || first > hi {
			t.Errorf("%s starts at %d, want %d to %d: the log holds from retain (%d) to 2*retain of the newest events, the newest being %d",
				what, first, lo, hi, e.retain, last)
		}
		checkNumbered(t, what, evs, first, last)
	}
	checkTrimmed(0)
	checkTrimmed(1)

	evs := e.read(t, 0, big)
	if len(evs) >= 3 {
		first := evs[0].ID
		checkNumbered(t, "Read(after the oldest retained, max 2)", e.read(t, first, 2), first+1, first+2)
	}

	// One transaction of more than 2*retain events.
	e.update(t, func(tx acd.Tx) error {
		for i := range n {
			tx.Emit(acd.Event{Nodes: []string{"/n"}, Payload: payloadOf(last + acd.EventID(i) + 1)})
		}
		return nil
	})
	after := last
	last += acd.EventID(n)
	if got := e.last(t); got != last {
		t.Fatalf("Last after a transaction of %d events = %d, want %d", n, got, last)
	}
	checkTrimmed(after)
	checkTrimmed(0)
}
