package storetest

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
)

// Backend is one implementation under test, sharing one FakeClock.
type Backend struct {
	Store  acd.Store
	Log    acd.Log
	Lease  func(node string) acd.Lease // the same shared lease seen by node
	Roster acd.Roster
}

// MinRetain is the smallest retain Run accepts: the log tests need a few
// events to stay retained.
const MinRetain = 8

// Run runs every contract test as subtests, one after another; open
// returns a fresh, empty backend driven by clock, whose log holds at least
// the newest retain events and at most the newest 2*retain, and whose
// lease, once taken or renewed at time T on clock, is held until T+ttl and
// free from T+ttl on.
//
// retain must be at least MinRetain and should be small: one test appends
// 4*retain+2 events. ttl must be a whole number of milliseconds, at least
// 2ms.
//
// The subtests run one after another, each on a backend open returned for
// it alone, so open may reuse one server by emptying it. Some of them call
// Update, and the Store's reads, from inside an Update's fn, to commit a
// rival change between that fn's reads and its commit: a backend must
// allow that, as an optimistic one does.
func Run(t *testing.T, retain int, ttl time.Duration, open func(t *testing.T, clock *acd.FakeClock) Backend) {
	t.Helper()
	if retain < MinRetain {
		t.Fatalf("storetest.Run: retain %d is below MinRetain (%d)", retain, MinRetain)
	}
	if ttl < 2*time.Millisecond || ttl%time.Millisecond != 0 {
		t.Fatalf("storetest.Run: ttl %v is not a whole number of milliseconds of at least 2ms", ttl)
	}
	for _, c := range []struct {
		name string
		test func(*testing.T, *env)
	}{
		{"Empty", testEmpty},
		{"RoundTrip", testRoundTrip},
		{"Isolation", testIsolation},
		{"HistoryAppends", testHistoryAppends},
		{"ReadYourWrites", testReadYourWrites},
		{"Deletes", testDeletes},
		{"Namespaces", testNamespaces},
		{"FailedUpdateCommitsNothing", testFailedUpdate},
		{"ConflictRetries", testConflictRetries},
		{"ConcurrentReadModifyWrite", testConcurrentReadModifyWrite},
		{"ConcurrentNextID", testConcurrentNextID},
		{"Events", testEvents},
		{"LogReadAfterMax", testLogReadAfterMax},
		{"LogReadWaits", testLogReadWaits},
		{"LogReadCancelled", testLogReadCancelled},
		{"LogTrim", testLogTrim},
		{"LeaseExpiry", testLeaseExpiry},
		{"LeaseRenew", testLeaseRenew},
		{"LeaseRelease", testLeaseRelease},
		{"LeaseConcurrentHold", testLeaseConcurrentHold},
		{"Roster", testRoster},
	} {
		t.Run(c.name, func(t *testing.T) {
			clock := acd.NewFakeClock(start)
			b := open(t, clock)
			if b.Store == nil || b.Log == nil || b.Lease == nil || b.Roster == nil {
				t.Fatalf("open returned an incomplete Backend %+v", b)
			}
			c.test(t, &env{Backend: b, clock: clock, retain: retain, ttl: ttl})
		})
	}
}

// env is what one contract test works with.
type env struct {
	Backend
	clock  *acd.FakeClock
	retain int
	ttl    time.Duration
}

// hangLimit bounds every wait on the backend, so that a broken one fails
// its test instead of hanging it. It is never a threshold of correctness:
// a correct backend returns at once.
const hangLimit = 20 * time.Second

// start is the FakeClock's first reading, with nanoseconds, as a real
// clock has them.
var start = time.Date(2025, time.March, 14, 9, 26, 53, 589793238, time.UTC)

// update commits fn, failing t if Update fails.
func (e *env) update(t testing.TB, fn func(tx acd.Tx) error) {
	t.Helper()
	if err := e.Store.Update(t.Context(), fn); err != nil {
		t.Fatalf("Update: %v", err)
	}
}

// emit commits one transaction emitting evs.
func (e *env) emit(t testing.TB, evs ...acd.Event) {
	t.Helper()
	e.update(t, func(tx acd.Tx) error {
		for _, ev := range evs {
			tx.Emit(ev)
		}
		return nil
	})
}

// last is Log.Last.
func (e *env) last(t testing.TB) acd.EventID {
	t.Helper()
	return must(e.Log.Last(t.Context()))(t)
}

// read is a Log.Read that must return events: it fails t rather than
// waiting beyond hangLimit.
func (e *env) read(t testing.TB, after acd.EventID, max int) []acd.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), hangLimit)
	defer cancel()
	evs, err := e.Log.Read(ctx, after, max)
	if err != nil {
		t.Fatalf("Read(after %d, max %d): %v", after, max, err)
	}
	return evs
}

// must returns v, failing t if err is not nil: must(f())(t).
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// found is a lookup's value and whether it was found.
type found[T any] struct {
	Value T
	Found bool
}

// must2 is must for lookups that report whether they found anything.
func must2[T any](v T, ok bool, err error) func(testing.TB) found[T] {
	return func(t testing.TB) found[T] {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return found[T]{v, ok}
	}
}

// same reports whether got equals want once both are made canonical,
// failing t with both if not.
func same[T any](t testing.TB, what string, got, want T) bool {
	t.Helper()
	g, w := canon(got), canon(want)
	if !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, g, w)
		return false
	}
	return true
}

var timeType = reflect.TypeFor[time.Time]()

// canon returns a deep copy of v in a form two equal values share however
// they were stored: every time.Time in UTC without its monotonic reading
// (so equal instants compare equal), every empty slice or map nil (a
// backend may not tell nil from empty; nothing in acd does either).
func canon[T any](v T) T {
	canonValue(reflect.ValueOf(&v).Elem())
	return v
}

func canonValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == timeType {
			v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
			return
		}
		for i := range v.NumField() {
			if v.Field(i).CanSet() {
				canonValue(v.Field(i))
			}
		}
	case reflect.Slice:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		for i := range c.Len() {
			canonValue(c.Index(i))
		}
		v.Set(c)
	case reflect.Map:
		if v.Len() == 0 {
			v.Set(reflect.Zero(v.Type()))
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			canonValue(e)
			m.SetMapIndex(it.Key(), e)
		}
		v.Set(m)
	}
}

// unset lists the fields of v, recursively, that hold their zero value
// (an empty slice counts as zero), so that a fixture meant to set every
// field is known to, even after a field is added.
func unset(v reflect.Value, path string) []string {
	switch {
	case v.Kind() == reflect.Struct && v.Type() != timeType:
		var out []string
		for i := range v.NumField() {
			out = append(out, unset(v.Field(i), path+"."+v.Type().Field(i).Name)...)
		}
		return out
	case v.Kind() == reflect.Slice:
		if v.Len() == 0 {
			return []string{path}
		}
		var out []string
		for i := range v.Len() {
			out = append(out, unset(v.Index(i), fmt.Sprintf("%s[%d]", path, i))...)
		}
		return out
	case v.IsZero():
		return []string{path}
	}
	return nil
}

// requireFull fails t unless every field of v, recursively, is set.
func requireFull(t testing.TB, name string, v any) {
	t.Helper()
	if missing := unset(reflect.ValueOf(v), name); len(missing) > 0 {
		t.Fatalf("storetest fixture %s leaves %s unset; set them so that the round trip covers them",
			name, strings.Join(missing, ", "))
	}
}

func byID[T any](id func(T) string) func(a, b T) int {
	return func(a, b T) int { return strings.Compare(id(a), id(b)) }
}

// sortedAgents, sortedCalls and sortedDialogs put a listing in ID order:
// the contract does not order listings.
func sortedAgents(as []acd.Agent) []acd.Agent {
	as = slices.Clone(as)
	slices.SortFunc(as, byID(func(a acd.Agent) string { return a.ID }))
	return as
}

func sortedCalls(cs []acd.Call) []acd.Call {
	cs = slices.Clone(cs)
	slices.SortFunc(cs, byID(func(c acd.Call) string { return c.ID }))
	return cs
}

func sortedDialogs(ds []acd.Dialog) []acd.Dialog {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, byID(func(d acd.Dialog) string { return d.ID }))
	return ds
}

func sortedDesktops(ds []acd.Desktop) []acd.Desktop {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, byID(func(d acd.Desktop) string { return d.JID }))
	return ds
}

// ids renders the IDs of evs for messages.
func ids(evs []acd.Event) string {
	var b strings.Builder
	for i, ev := range evs {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, ev.ID)
	}
	return "[" + b.String() + "]"
}

// timeout fires when a wait has lasted hangLimit.
func timeout() <-chan time.Time { return time.After(hangLimit) }
