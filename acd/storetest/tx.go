package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

var errRefused = errors.New("storetest: fn refused")

// testFailedUpdate: when fn returns an error, Update returns it and
// commits nothing: no value of any kind changes, no event is appended and
// no event ID or sequence number is used up.
func testFailedUpdate(t *testing.T, e *env) {
	w := fixtureWorld()
	e.update(t, func(tx acd.Tx) error {
		w.put(tx)
		same(t, "NextID", must(tx.NextID("call"))(t), "1")
		tx.Emit(acd.Event{Nodes: []string{"/seed"}, Payload: []byte("<seed/>")})
		return nil
	})
	last := e.last(t)

	err := e.Store.Update(t.Context(), func(tx acd.Tx) error {
		changed := fixtureWorld()
		changed.scribble()
		changed.Agents = append(changed.Agents, fullAgent("1003"))
		changed.Devices["3001"] = "1003"
		changed.Devices["3003"] = "1003"
		changed.Subscriptions["1003"] = fullSubscriptions("1003")
		changed.Calls = append(changed.Calls, fullCall("c3"))
		changed.Dialogs = append(changed.Dialogs, fullDialog("19"))
		changed.Waiting["300"] = []string{"c3"}
		changed.Histories["1003"] = fullHistory()
		changed.Marks["100"] = "1003"
		changed.put(tx)
		tx.DeleteCall("c2")
		tx.DeleteDialog("18")
		if _, err := tx.NextID("call"); err != nil {
			return err
		}
		tx.Emit(acd.Event{Nodes: []string{"/refused"}, Payload: []byte("<refused/>")})
		tx.Emit(acd.Event{Nodes: []string{"/refused"}, SubscriptionsOf: "1003"})
		return fmt.Errorf("refusing: %w", errRefused)
	})
	if !errors.Is(err, errRefused) {
		t.Fatalf("Update of a refusing fn = %v, want fn's error", err)
	}

	w.checkStore(t, "after a refused transaction", e.Store)
	if f := must2(e.Store.Call(t.Context(), "c3"))(t); f.Found {
		t.Errorf("a refused transaction stored call c3: %+v", f.Value)
	}
	if a := must(e.Store.Agent(t.Context(), "1003"))(t); a.State != model.StateLogout {
		t.Errorf("a refused transaction stored agent 1003: %+v", a)
	}
	e.update(t, func(tx acd.Tx) error {
		w.checkTx(t, "after a refused transaction", tx)
		same(t, "device 3003 after a refused transaction", must(tx.DeviceHolder("3003"))(t), "")
		same(t, "waiting 300 after a refused transaction", must(tx.Waiting("300"))(t), nil)
		same(t, "history 1003 after a refused transaction", must(tx.History("1003"))(t), acd.History{})
		same(t, "NextID after a refused transaction", must(tx.NextID("call"))(t), "2")
		return nil
	})
	if got := e.last(t); got != last {
		t.Fatalf("Last after a refused transaction = %d, want %d", got, last)
	}
	e.emit(t, acd.Event{Nodes: []string{"/after"}, Payload: []byte("<after/>")})
	evs := e.read(t, last, 10)
	if len(evs) != 1 || evs[0].ID != last+1 || string(evs[0].Payload) != "<after/>" {
		t.Errorf("events after a refused transaction = %s, want only <after/> as %d", ids(evs), last+1)
	}
}

// conflict is a transaction whose first run a rival transaction, committed
// between that run's reads and its commit, makes stale.
type conflict struct {
	name  string
	seed  func(tx acd.Tx)
	fn    func(t testing.TB, tx acd.Tx) // reads, then writes from what it read
	rival func(t testing.TB, tx acd.Tx)
	check func(t testing.TB, tx acd.Tx) // the outcome: fn's rerun on the rival's result
}

var conflicts = []conflict{
	{
		name: "agents read in one batch",
		seed: func(tx acd.Tx) { tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady, Extension: "3001"}) },
		fn: func(t testing.TB, tx acd.Tx) {
			agents := must(tx.AgentsOf([]string{"1002", "1001"}))(t)
			same(t, "unknown agent in a batch", agents[0].State, model.StateLogout)
			tx.PutRoutingMark("100", agents[1].Extension)
		},
		rival: func(t testing.TB, tx acd.Tx) {
			tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady, Extension: "3002"})
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "mark", must(tx.RoutingMark("100"))(t), "3002")
		},
	},
	{
		name: "agent read and written",
		seed: func(tx acd.Tx) { tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady, Cursor: 1}) },
		fn: func(t testing.TB, tx acd.Tx) {
			a := must(tx.Agent("1001"))(t)
			a.Cursor++
			tx.PutAgent(a)
		},
		rival: func(t testing.TB, tx acd.Tx) {
			a := must(tx.Agent("1001"))(t)
			a.Cursor += 10
			tx.PutAgent(a)
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "Cursor", must(tx.Agent("1001"))(t).Cursor, 12)
		},
	},
	{
		name: "agent only read",
		seed: func(tx acd.Tx) { tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady, Extension: "3001"}) },
		fn: func(t testing.TB, tx acd.Tx) {
			tx.PutRoutingMark("100", must(tx.Agent("1001"))(t).Extension)
		},
		rival: func(t testing.TB, tx acd.Tx) {
			tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady, Extension: "3002"})
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "mark", must(tx.RoutingMark("100"))(t), "3002")
		},
	},
	{
		name: "call read while absent, then created",
		seed: func(tx acd.Tx) {},
		fn: func(t testing.TB, tx acd.Tx) {
			if must2(tx.Call("c1"))(t).Found {
				tx.PutWaiting("100", []string{"c1"})
			} else {
				tx.PutWaiting("100", []string{"none"})
			}
		},
		rival: func(t testing.TB, tx acd.Tx) { tx.PutCall(sparseCall("c1")) },
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "waiting", must(tx.Waiting("100"))(t), []string{"c1"})
		},
	},
	{
		name: "dialog read, then deleted",
		seed: func(tx acd.Tx) { tx.PutDialog(sparseDialog("17")) },
		fn: func(t testing.TB, tx acd.Tx) {
			if must2(tx.Dialog("17"))(t).Found {
				tx.PutRoutingMark("100", "dialog there")
			} else {
				tx.PutRoutingMark("100", "dialog gone")
			}
		},
		rival: func(t testing.TB, tx acd.Tx) { tx.DeleteDialog("17") },
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "mark", must(tx.RoutingMark("100"))(t), "dialog gone")
		},
	},
	{
		name: "device holder",
		seed: func(tx acd.Tx) {},
		fn: func(t testing.TB, tx acd.Tx) {
			if must(tx.DeviceHolder("3001"))(t) == "" {
				tx.SetDeviceHolder("3001", "1001")
			}
		},
		rival: func(t testing.TB, tx acd.Tx) { tx.SetDeviceHolder("3001", "1002") },
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "holder", must(tx.DeviceHolder("3001"))(t), "1002")
		},
	},
	{
		name: "subscriptions",
		seed: func(tx acd.Tx) {},
		fn: func(t testing.TB, tx acd.Tx) {
			subs := must(tx.Subscriptions("1001"))(t)
			tx.PutSubscriptions("1001", append(subs, acd.Subscription{Node: "/mine", JID: "1001@x/mine"}))
		},
		rival: func(t testing.TB, tx acd.Tx) {
			subs := must(tx.Subscriptions("1001"))(t)
			tx.PutSubscriptions("1001", append(subs, acd.Subscription{Node: "/theirs", JID: "1001@x/theirs"}))
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "subscriptions", must(tx.Subscriptions("1001"))(t),
				[]acd.Subscription{{Node: "/theirs", JID: "1001@x/theirs"}, {Node: "/mine", JID: "1001@x/mine"}})
		},
	},
	{
		name: "waiting list",
		seed: func(tx acd.Tx) { tx.PutWaiting("100", []string{"c1"}) },
		fn: func(t testing.TB, tx acd.Tx) {
			tx.PutWaiting("100", append(must(tx.Waiting("100"))(t), "mine"))
		},
		rival: func(t testing.TB, tx acd.Tx) {
			tx.PutWaiting("100", append(must(tx.Waiting("100"))(t), "theirs"))
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "waiting", must(tx.Waiting("100"))(t), []string{"c1", "theirs", "mine"})
		},
	},
	{
		name: "sequence",
		seed: func(tx acd.Tx) {},
		fn: func(t testing.TB, tx acd.Tx) {
			tx.PutRoutingMark("100", must(tx.NextID("call"))(t))
		},
		rival: func(t testing.TB, tx acd.Tx) { must(tx.NextID("call"))(t) },
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "mark", must(tx.RoutingMark("100"))(t), "2")
			same(t, "NextID", must(tx.NextID("call"))(t), "3")
		},
	},
	{
		name: "history",
		seed: func(tx acd.Tx) {},
		fn: func(t testing.TB, tx acd.Tx) {
			h := must(tx.History("1001"))(t)
			h.States = append(h.States, acd.StateRecord{State: model.StateReady, Start: at(2)})
			tx.PutHistory("1001", h)
		},
		rival: func(t testing.TB, tx acd.Tx) {
			h := must(tx.History("1001"))(t)
			h.States = append(h.States, acd.StateRecord{State: model.StateNotReady, Start: at(1)})
			tx.PutHistory("1001", h)
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "history", must(tx.History("1001"))(t), acd.History{States: []acd.StateRecord{
				{State: model.StateNotReady, Start: at(1)}, {State: model.StateReady, Start: at(2)},
			}})
		},
	},
	{
		name: "routing mark",
		seed: func(tx acd.Tx) { tx.PutRoutingMark("100", "seed") },
		fn: func(t testing.TB, tx acd.Tx) {
			tx.PutRoutingMark("100", must(tx.RoutingMark("100"))(t)+"+mine")
		},
		rival: func(t testing.TB, tx acd.Tx) {
			tx.PutRoutingMark("100", must(tx.RoutingMark("100"))(t)+"+theirs")
		},
		check: func(t testing.TB, tx acd.Tx) {
			same(t, "mark", must(tx.RoutingMark("100"))(t), "seed+theirs+mine")
		},
	},
}

// testConflictRetries: a transaction that read any kind of value a rival
// transaction then changed (created, rewrote or deleted) before it
// committed is run again on the rival's result, exactly once more, and
// its events are committed once, from the run that committed, right
// after the rival's.
func testConflictRetries(t *testing.T, e *env) {
	for _, c := range conflicts {
		t.Run(c.name, func(t *testing.T) {
			// The cases share the backend; each keeps to keys it resets
			// first, and only the sequence case uses a sequence.
			e.update(t, func(tx acd.Tx) error {
				tx.PutAgent(acd.Agent{ID: "1001", State: model.StateLogout})
				tx.SetDeviceHolder("3001", "")
				tx.PutSubscriptions("1001", nil)
				tx.DeleteCall("c1")
				tx.DeleteDialog("17")
				tx.PutWaiting("100", nil)
				tx.PutHistory("1001", acd.History{})
				tx.PutRoutingMark("100", "")
				c.seed(tx)
				return nil
			})
			before := e.last(t)
			runs := 0
			err := e.Store.Update(t.Context(), func(tx acd.Tx) error {
				runs++
				c.fn(t, tx)
				tx.Emit(acd.Event{Nodes: []string{"/mine"}, Payload: fmt.Appendf(nil, "<mine run=%q/>", strconv.Itoa(runs))})
				if runs == 1 {
					return e.Store.Update(t.Context(), func(tx acd.Tx) error {
						c.rival(t, tx)
						tx.Emit(acd.Event{Nodes: []string{"/theirs"}, Payload: []byte("<theirs/>")})
						return nil
					})
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Update: %v", err)
			}
			if runs != 2 {
				t.Errorf("fn ran %d times, want 2: once stale, once on the rival's result", runs)
			}
			e.update(t, func(tx acd.Tx) error {
				c.check(t, tx)
				return nil
			})
			if last := e.last(t); last != before+2 {
				t.Errorf("Last = %d, want %d: the rival's event and one of the retried transaction", last, before+2)
			}
			evs := e.read(t, before, 10)
			var got []string
			for _, ev := range evs {
				got = append(got, string(ev.Payload))
			}
			same(t, "events", got, []string{`<theirs/>`, `<mine run="2"/>`})
			if len(evs) == 2 && (evs[0].ID != before+1 || evs[1].ID != before+2) {
				t.Errorf("event IDs %s, want [%d %d]", ids(evs), before+1, before+2)
			}
		})
	}
}

const workers, perWorker = 8, 50

// testConcurrentReadModifyWrite: workers goroutines each commit perWorker
// read-modify-write transactions on one agent, adding one to a counter
// (Cursor) and appending a token of their own to a list (Dialogs), each
// emitting two events naming the counter value and token it wrote; as many
// other goroutines meanwhile append tokens to one waiting list. No update
// is lost: the counter ends at workers*perWorker and each list holds every
// token once, each goroutine's in its order. The events are in commit
// order: consecutive IDs, the counter rising by one per transaction, the
// two events of one transaction adjacent, each naming the token at the
// counter's place in the agent's list. A reader tailing the log meanwhile
// sees the same events in the same order.
func testConcurrentReadModifyWrite(t *testing.T, e *env) {
	e.update(t, func(tx acd.Tx) error {
		tx.PutAgent(acd.Agent{ID: "1001", State: model.StateReady})
		return nil
	})
	base := e.last(t)
	const total = workers * perWorker
	payload := func(n int, token string, part int) string {
		return fmt.Sprintf(`<Update counter="%d" token="%s" part="%d"/>`, n, token, part)
	}

	// The tailing reader.
	tailed := make(chan []acd.Event, 1)
	tailErr := make(chan error, 1)
	go func() {
		var seen []acd.Event
		after := base
		for after < base+2*total {
			evs, err := e.Log.Read(t.Context(), after, 64)
			if err != nil {
				tailErr <- err
				return
			}
			if len(evs) == 0 {
				tailErr <- fmt.Errorf("tailing reader: Read(after %d) returned no events and no error", after)
				return
			}
			for _, ev := range evs {
				if ev.ID <= after {
					tailErr <- fmt.Errorf("tailing reader: Read(after %d) returned %d", after, ev.ID)
					return
				}
				after = ev.ID
			}
			seen = append(seen, evs...)
		}
		tailed <- seen
	}()

	var agentRuns, waitingRuns atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for g := range workers {
		wg.Go(func() {
			for i := range perWorker {
				token := fmt.Sprintf("g%d-%d", g, i)
				err := e.Store.Update(t.Context(), func(tx acd.Tx) error {
					agentRuns.Add(1)
					a, err := tx.Agent("1001")
					if err != nil {
						return err
					}
					a.Cursor++
					a.Dialogs = append(a.Dialogs, token)
					tx.PutAgent(a)
					for part := 1; part <= 2; part++ {
						tx.Emit(acd.Event{Nodes: []string{"/finesse/api/User/1001"}, Payload: []byte(payload(int(a.Cursor), token, part))})
					}
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("agent worker %d, transaction %d: %w", g, i, err)
					return
				}
			}
		})
		wg.Go(func() {
			for i := range perWorker {
				token := fmt.Sprintf("g%d-%d", g, i)
				err := e.Store.Update(t.Context(), func(tx acd.Tx) error {
					waitingRuns.Add(1)
					waiting, err := tx.Waiting("100")
					if err != nil {
						return err
					}
					tx.PutWaiting("100", append(waiting, token))
					return nil
				})
				if err != nil {
					errs <- fmt.Errorf("waiting worker %d, transaction %d: %w", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	t.Logf("%d transactions on the agent took %d runs, %d on the waiting list %d",
		total, agentRuns.Load(), total, waitingRuns.Load())

	// checkTokens fails t unless list holds every worker's tokens, once,
	// in the worker's order.
	checkTokens := func(what string, list []string) {
		t.Helper()
		if len(list) != total {
			t.Fatalf("%s holds %d tokens, want %d", what, len(list), total)
		}
		next := make([]int, workers) // each worker's next token
		for _, token := range list {
			var g, i int
			if _, err := fmt.Sscanf(token, "g%d-%d", &g, &i); err != nil || g < 0 || g >= workers || i != next[g] {
				t.Fatalf("%s %v: token %q out of place", what, list, token)
			}
			next[g]++
		}
	}
	a := must(e.Store.Agent(t.Context(), "1001"))(t)
	if int(a.Cursor) != total {
		t.Errorf("counter = %d after %d increments", a.Cursor, total)
	}
	checkTokens("the agent's list", a.Dialogs)
	e.update(t, func(tx acd.Tx) error {
		checkTokens("the waiting list", must(tx.Waiting("100"))(t))
		return nil
	})

	if last := e.last(t); last != base+2*total {
		t.Fatalf("Last = %d, want %d", last, base+2*total)
	}
	want := func(ev acd.Event) string {
		k := int(ev.ID - base) // 1-based
		n, part := (k+1)/2, (k-1)%2+1
		return payload(n, a.Dialogs[n-1], part)
	}
	evs := e.read(t, base, 2*total+1)
	if len(evs) == 0 || evs[len(evs)-1].ID != base+2*total {
		t.Fatalf("Read after %d returned %s, want up to %d", base, ids(evs), base+2*total)
	}
	for i, ev := range evs {
		if i > 0 && ev.ID != evs[i-1].ID+1 {
			t.Fatalf("Read returned event %d after %d", ev.ID, evs[i-1].ID)
		}
		if got := string(ev.Payload); got != want(ev) {
			t.Fatalf("event %d = %s, want %s", ev.ID, got, want(ev))
		}
	}

	select {
	case err := <-tailErr:
		t.Fatal(err)
	case seen := <-tailed:
		for _, ev := range seen {
			if got := string(ev.Payload); got != want(ev) {
				t.Fatalf("tailing reader: event %d = %s, want %s", ev.ID, got, want(ev))
			}
		}
	case <-timeout():
		t.Fatal("tailing reader never reached the last event")
	}
}

// testConcurrentNextID: workers goroutines each take perWorker ids of one
// sequence, one transaction each; the ids are 1 to workers*perWorker, each
// once. Only the id of a transaction's committed run counts.
func testConcurrentNextID(t *testing.T, e *env) {
	var (
		mu  sync.Mutex
		got []int
		wg  sync.WaitGroup
	)
	errs := make(chan error, workers)
	for range workers {
		wg.Go(func() {
			for range perWorker {
				var id string
				err := e.Store.Update(t.Context(), func(tx acd.Tx) error {
					var err error
					id, err = tx.NextID("dialog")
					return err
				})
				if err != nil {
					errs <- err
					return
				}
				n, err := strconv.Atoi(id)
				if err != nil {
					errs <- fmt.Errorf("NextID = %q, not a number", id)
					return
				}
				mu.Lock()
				got = append(got, n)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(got)
	for i, n := range got {
		if n != i+1 {
			t.Fatalf("ids, sorted: %v; want 1 to %d, each once", got, workers*perWorker)
		}
	}
	e.update(t, func(tx acd.Tx) error {
		same(t, "NextID after the others", must(tx.NextID("dialog"))(t), strconv.Itoa(workers*perWorker+1))
		return nil
	})
}
