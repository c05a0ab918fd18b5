package storetest

import (
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// testEmpty: a fresh backend holds nothing. An unknown agent reads as
// signed out under its ID, unknown calls and dialogs are not found, every
// other kind reads as its zero value, listings are empty; reading creates
// nothing. The log is empty (Last 0) with a non-empty, stable epoch, and
// nobody holds the lease.
func testEmpty(t *testing.T, e *env) {
	ctx := t.Context()
	signedOut := acd.Agent{ID: "1001", State: model.StateLogout}
	same(t, "Store.Agent of an unknown agent", must(e.Store.Agent(ctx, "1001"))(t), signedOut)
	same(t, "Store.Subscriptions of an unknown user", must(e.Store.Subscriptions(ctx, "1001"))(t), nil)
	if f := must2(e.Store.Call(ctx, "c1"))(t); f.Found {
		t.Errorf("Store.Call of an unknown call found %+v", f.Value)
	}
	if f := must2(e.Store.Dialog(ctx, "17"))(t); f.Found {
		t.Errorf("Store.Dialog of an unknown dialog found %+v", f.Value)
	}
	e.update(t, func(tx acd.Tx) error {
		same(t, "Tx.Agent of an unknown agent", must(tx.Agent("1001"))(t), signedOut)
		same(t, "Tx.DeviceHolder of an unknown extension", must(tx.DeviceHolder("3001"))(t), "")
		same(t, "Tx.Subscriptions of an unknown user", must(tx.Subscriptions("1001"))(t), nil)
		if f := must2(tx.Call("c1"))(t); f.Found {
			t.Errorf("Tx.Call of an unknown call found %+v", f.Value)
		}
		if f := must2(tx.Dialog("17"))(t); f.Found {
			t.Errorf("Tx.Dialog of an unknown dialog found %+v", f.Value)
		}
		same(t, "Tx.Waiting of an unknown queue", must(tx.Waiting("100"))(t), nil)
		same(t, "Tx.History of an unknown agent", must(tx.History("1001"))(t), acd.History{})
		same(t, "Tx.RoutingMark of an unknown queue", must(tx.RoutingMark("100"))(t), "")
		return nil
	})
	// The reads above stored nothing.
	same(t, "Store.Agents of an empty store", must(e.Store.Agents(ctx))(t), nil)
	same(t, "Store.Calls of an empty store", must(e.Store.Calls(ctx))(t), nil)
	same(t, "Store.Dialogs of an empty store", must(e.Store.Dialogs(ctx))(t), nil)

	if last := e.last(t); last != 0 {
		t.Errorf("Last of an empty log = %d, want 0", last)
	}
	epoch := e.Log.Epoch()
	if epoch == "" {
		t.Error("Epoch is empty")
	}
	if again := e.Log.Epoch(); again != epoch {
		t.Errorf("Epoch changed from %q to %q", epoch, again)
	}
	if h := must(e.Lease("node-a").Holder(ctx))(t); h != "" {
		t.Errorf("a fresh lease is held by %q", h)
	}
}

// testRoundTrip: every kind of value, with every field set (and, in a
// second value, most left zero), reads back exactly as it was put: in the
// transaction that put it, in a later transaction, and through the Store's
// own reads and listings.
func testRoundTrip(t *testing.T, e *env) {
	requireFull(t, "fullAgent", fullAgent("1001"))
	requireFull(t, "fullCall", fullCall("c1"))
	requireFull(t, "fullDialog", fullDialog("17"))
	requireFull(t, "fullCampaign", fullCampaign("1"))
	requireFull(t, "fullContact", fullContact("1", 1))
	requireFull(t, "fullReasonCode", fullReasonCode("17"))
	requireFull(t, "fullMediaAgent", fullMediaAgent("1001"))
	requireFull(t, "fullWrapUp", fullWrapUp("12"))
	requireFull(t, "fullPhoneBook", fullPhoneBook("4"))
	requireFull(t, "fullWorkflow", fullWorkflow("3"))
	requireFull(t, "fullAction", fullAction("7"))
	requireFull(t, "fullLayout", fullLayout("2"))
	requireFull(t, "fullHistory", fullHistory())
	requireFull(t, "fullSubscriptions", fullSubscriptions("1001"))

	w := fixtureWorld()
	e.update(t, func(tx acd.Tx) error {
		w.put(tx)
		w.checkTx(t, "in the transaction that put it", tx)
		return nil
	})
	e.update(t, func(tx acd.Tx) error {
		w.checkTx(t, "in a later transaction", tx)
		return nil
	})
	w.checkStore(t, "after commit", e.Store)
}

// testIsolation: the Store shares no memory with its callers. Changing a
// slice after putting it, or one that a read returned, changes nothing
// stored; and what a transaction writes is invisible outside it until it
// commits.
func testIsolation(t *testing.T, e *env) {
	ctx := t.Context()
	w := fixtureWorld()
	e.update(t, func(tx acd.Tx) error {
		mine := fixtureWorld() // w's values in memory of their own
		mine.put(tx)
		mine.scribble()
		w.checkTx(t, "after the caller changed what it put", tx)
		w.readTx(t, tx).scribble()
		w.checkTx(t, "after the caller changed what a read returned", tx)

		// Nothing is visible outside before the commit.
		if a := must(e.Store.Agent(ctx, "1001"))(t); a.State != model.StateLogout {
			t.Errorf("Store.Agent during the transaction that puts it = %+v, want it signed out", a)
		}
		same(t, "Store.Subscriptions during the transaction that puts them", must(e.Store.Subscriptions(ctx, "1001"))(t), nil)
		if f := must2(e.Store.Call(ctx, "c1"))(t); f.Found {
			t.Errorf("Store.Call during the transaction that puts it found %+v", f.Value)
		}
		if f := must2(e.Store.Dialog(ctx, "17"))(t); f.Found {
			t.Errorf("Store.Dialog during the transaction that puts it found %+v", f.Value)
		}
		same(t, "Store.Agents during the first transaction", must(e.Store.Agents(ctx))(t), nil)
		same(t, "Store.Calls during the first transaction", must(e.Store.Calls(ctx))(t), nil)
		same(t, "Store.Dialogs during the first transaction", must(e.Store.Dialogs(ctx))(t), nil)
		return nil
	})
	w.checkStore(t, "after commit", e.Store)

	// What the Store's reads return is the caller's to change.
	w.readStore(t, e.Store).scribble()
	agents, calls, dialogs := must(e.Store.Agents(ctx))(t), must(e.Store.Calls(ctx))(t), must(e.Store.Dialogs(ctx))(t)
	world{Agents: agents, Calls: calls, Dialogs: dialogs}.scribble()
	w.checkStore(t, "after the caller changed what the Store's reads returned", e.Store)
	e.update(t, func(tx acd.Tx) error {
		w.readTx(t, tx).scribble()
		return nil
	})
	e.update(t, func(tx acd.Tx) error {
		w.checkTx(t, "after a committed transaction changed what its reads returned without putting it", tx)
		return nil
	})
}

// testHistoryAppends: two appends to reads of one history, the way the
// engine changes histories, never write into each other's list, even when
// the history was put with room to spare.
func testHistoryAppends(t *testing.T, e *env) {
	roomy := acd.History{States: append(make([]acd.StateRecord, 0, 8), acd.StateRecord{State: model.StateLogin})}
	e.update(t, func(tx acd.Tx) error {
		tx.PutHistory("1001", roomy)
		return nil
	})
	want := []acd.StateRecord{{State: model.StateLogin}, {State: model.StateReady}}
	e.update(t, func(tx acd.Tx) error {
		first := must(tx.History("1001"))(t)
		second := must(tx.History("1001"))(t)
		first.States = append(first.States, acd.StateRecord{State: model.StateReady})
		tx.PutHistory("1001", first)
		_ = append(second.States, acd.StateRecord{State: model.StateNotReady})
		same(t, "a history after another read of it was appended to", must(tx.History("1001"))(t).States, want)
		return nil
	})
	e.update(t, func(tx acd.Tx) error {
		same(t, "the history committed", must(tx.History("1001"))(t).States, want)
		return nil
	})
}

// testReadYourWrites: a transaction reads its own writes, the last write
// of a key winning, deletes included, and commits what it read last.
func testReadYourWrites(t *testing.T, e *env) {
	ctx := t.Context()
	first, second := fullAgent("1001"), sparseAgent("1001")
	e.update(t, func(tx acd.Tx) error {
		tx.PutAgent(first)
		tx.PutAgent(second)
		same(t, "Agent after two puts", must(tx.Agent("1001"))(t), second)

		tx.SetDeviceHolder("3001", "1001")
		tx.SetDeviceHolder("3001", "")
		same(t, "DeviceHolder after it was cleared", must(tx.DeviceHolder("3001"))(t), "")
		tx.SetDeviceHolder("3002", "1002")
		same(t, "DeviceHolder", must(tx.DeviceHolder("3002"))(t), "1002")

		tx.PutSubscriptions("1001", fullSubscriptions("1001"))
		tx.PutSubscriptions("1001", nil)
		same(t, "Subscriptions after they were cleared", must(tx.Subscriptions("1001"))(t), nil)

		tx.PutWaiting("100", []string{"c1", "c2"})
		tx.PutWaiting("100", []string{"c2"})
		same(t, "Waiting after two puts", must(tx.Waiting("100"))(t), []string{"c2"})
		tx.PutWaiting("200", []string{"c3"})
		tx.PutWaiting("200", nil)
		same(t, "Waiting after it was emptied", must(tx.Waiting("200"))(t), nil)

		tx.PutHistory("1001", fullHistory())
		tx.PutHistory("1001", sparseHistory())
		same(t, "History after two puts", must(tx.History("1001"))(t), sparseHistory())

		tx.PutRoutingMark("100", "1001")
		tx.PutRoutingMark("100", "1002")
		same(t, "RoutingMark after two puts", must(tx.RoutingMark("100"))(t), "1002")

		same(t, "first NextID", must(tx.NextID("dialog"))(t), "1")
		same(t, "second NextID in the same transaction", must(tx.NextID("dialog"))(t), "2")

		// put, delete: gone; delete, put: there.
		tx.PutCall(fullCall("c1"))
		tx.DeleteCall("c1")
		if f := must2(tx.Call("c1"))(t); f.Found {
			t.Errorf("Call after put and delete found %+v", f.Value)
		}
		tx.PutCall(fullCall("c2"))
		tx.DeleteCall("c2")
		tx.PutCall(sparseCall("c2"))
		same(t, "Call after put, delete, put", must2(tx.Call("c2"))(t), found[acd.Call]{sparseCall("c2"), true})
		tx.PutDialog(fullDialog("17"))
		tx.DeleteDialog("17")
		if f := must2(tx.Dialog("17"))(t); f.Found {
			t.Errorf("Dialog after put and delete found %+v", f.Value)
		}
		tx.PutDialog(fullDialog("18"))
		tx.DeleteDialog("18")
		tx.PutDialog(sparseDialog("18"))
		same(t, "Dialog after put, delete, put", must2(tx.Dialog("18"))(t), found[acd.Dialog]{sparseDialog("18"), true})
		return nil
	})

	want := world{
		Agents:        []acd.Agent{second},
		Devices:       map[string]string{"3001": "", "3002": "1002"},
		Subscriptions: map[string][]acd.Subscription{"1001": nil},
		Calls:         []acd.Call{sparseCall("c2")},
		Dialogs:       []acd.Dialog{sparseDialog("18")},
		Waiting:       map[string][]string{"100": {"c2"}, "200": nil},
		Histories:     map[string]acd.History{"1001": sparseHistory()},
		Marks:         map[string]string{"100": "1002"},
	}
	want.checkStore(t, "after commit", e.Store)
	for _, id := range []string{"c1"} {
		if f := must2(e.Store.Call(ctx, id))(t); f.Found {
			t.Errorf("Store.Call(%q) after put and delete found %+v", id, f.Value)
		}
	}
	if f := must2(e.Store.Dialog(ctx, "17"))(t); f.Found {
		t.Errorf("Store.Dialog(17) after put and delete found %+v", f.Value)
	}
	e.update(t, func(tx acd.Tx) error {
		want.checkTx(t, "after commit", tx)
		same(t, "NextID in the next transaction", must(tx.NextID("dialog"))(t), "3")
		return nil
	})
}

// testDeletes: DeleteCall, DeleteDialog, DeleteDesktop and
// DeleteTeamMessage remove the value from reads and
// listings, in the transaction and after it; deleting what does not exist
// is no error; a deleted ID can be used again.
func testDeletes(t *testing.T, e *env) {
	ctx := t.Context()
	calls := []acd.Call{fullCall("c1"), sparseCall("c2"), fullCall("c3")}
	dialogs := []acd.Dialog{fullDialog("17"), sparseDialog("18"), fullDialog("19")}
	desktops := []acd.Desktop{fullDesktop("1001@x/a"), sparseDesktop("1002@x/b")}
	messages := []acd.TeamMessage{
		{ID: "m1", CreatedBy: "2001", CreatedAt: at(5), Duration: time.Minute, Content: awkward, Teams: []string{"10", "20"}},
		{ID: "m2", CreatedBy: "admin", CreatedAt: at(6), Duration: time.Hour, Content: "x", Teams: []string{"10"}},
	}
	e.update(t, func(tx acd.Tx) error {
		for i := range calls {
			tx.PutCall(calls[i])
			tx.PutDialog(dialogs[i])
		}
		for _, d := range desktops {
			tx.PutDesktop(d)
		}
		for _, m := range messages {
			tx.PutTeamMessage(m)
		}
		return nil
	})
	e.update(t, func(tx acd.Tx) error {
		same(t, "Tx.TeamMessage", must2(tx.TeamMessage("m1"))(t).Value, messages[0])
		tx.DeleteTeamMessage("m1")
		tx.DeleteTeamMessage("never")
		if f := must2(tx.TeamMessage("m1"))(t); f.Found {
			t.Errorf("Tx.TeamMessage of a message deleted in the transaction found %+v", f.Value)
		}
		return nil
	})
	same(t, "TeamMessages after deleting m1", must(e.Store.TeamMessages(ctx))(t), messages[1:])
	e.update(t, func(tx acd.Tx) error {
		tx.DeleteCall("c2")
		tx.DeleteDialog("17")
		tx.DeleteDesktop("1001@x/a")
		tx.DeleteCall("never")
		tx.DeleteDialog("never")
		tx.DeleteDesktop("never")
		if f := must2(tx.Desktop("1001@x/a"))(t); f.Found {
			t.Errorf("Tx.Desktop of a record deleted in the transaction found %+v", f.Value)
		}
		if f := must2(tx.Call("c2"))(t); f.Found {
			t.Errorf("Tx.Call of a call deleted in the transaction found %+v", f.Value)
		}
		if f := must2(tx.Dialog("17"))(t); f.Found {
			t.Errorf("Tx.Dialog of a dialog deleted in the transaction found %+v", f.Value)
		}
		return nil
	})
	same(t, "Calls after deleting c2", sortedCalls(must(e.Store.Calls(ctx))(t)), []acd.Call{calls[0], calls[2]})
	same(t, "Dialogs after deleting 17", sortedDialogs(must(e.Store.Dialogs(ctx))(t)), []acd.Dialog{dialogs[1], dialogs[2]})
	same(t, "Desktops after deleting one", must(e.Store.Desktops(ctx))(t), desktops[1:])
	if f := must2(e.Store.Call(ctx, "c2"))(t); f.Found {
		t.Errorf("Store.Call of a deleted call found %+v", f.Value)
	}
	if f := must2(e.Store.Dialog(ctx, "17"))(t); f.Found {
		t.Errorf("Store.Dialog of a deleted dialog found %+v", f.Value)
	}
	e.update(t, func(tx acd.Tx) error {
		if f := must2(tx.Call("c2"))(t); f.Found {
			t.Errorf("Tx.Call of a deleted call found %+v", f.Value)
		}
		if f := must2(tx.Dialog("17"))(t); f.Found {
			t.Errorf("Tx.Dialog of a deleted dialog found %+v", f.Value)
		}
		same(t, "Tx.Call of a call kept", must2(tx.Call("c3"))(t), found[acd.Call]{calls[2], true})
		return nil
	})

	// Reuse one deleted ID, delete the rest.
	again := sparseCall("c2")
	again.Queue = "Again"
	e.update(t, func(tx acd.Tx) error {
		tx.PutCall(again)
		tx.DeleteCall("c1")
		tx.DeleteCall("c3")
		tx.DeleteDialog("18")
		tx.DeleteDialog("19")
		return nil
	})
	same(t, "Calls after reusing c2 and deleting the others", must(e.Store.Calls(ctx))(t), []acd.Call{again})
	same(t, "Store.Call of a reused ID", must2(e.Store.Call(ctx, "c2"))(t), found[acd.Call]{again, true})
	same(t, "Dialogs after deleting every dialog", must(e.Store.Dialogs(ctx))(t), nil)
}

// testNamespaces: one ID used for every kind of value names a different
// value of each kind, and sequences count separately.
func testNamespaces(t *testing.T, e *env) {
	const id = "7"
	w := world{
		Agents:        []acd.Agent{{ID: id, State: model.StateReady, Extension: "agent"}},
		Devices:       map[string]string{id: "device"},
		Subscriptions: map[string][]acd.Subscription{id: {{Node: "subscription", JID: "subscription@x"}}},
		Calls:         []acd.Call{{ID: id, ANI: "call"}},
		Dialogs:       []acd.Dialog{{ID: id, From: "dialog"}},
		Waiting:       map[string][]string{id: {"waiting"}},
		Histories:     map[string]acd.History{id: {States: []acd.StateRecord{{State: model.StateReady, ReasonCodeID: "history"}}}},
		Marks:         map[string]string{id: "mark"},
		Desktops:      []acd.Desktop{{JID: id, Node: "desktop"}},
		LastRequests:  map[string]acd.LastRequest{id: {Key: "last request"}},
	}
	e.update(t, func(tx acd.Tx) error {
		w.put(tx)
		same(t, "NextID of sequence 7", must(tx.NextID(id))(t), "1")
		return nil
	})
	e.update(t, func(tx acd.Tx) error {
		w.checkTx(t, "one ID for every kind", tx)
		same(t, "NextID of sequence 7 again", must(tx.NextID(id))(t), "2")
		same(t, "NextID of sequence call", must(tx.NextID("call"))(t), "1")
		same(t, "NextID of sequence dialog", must(tx.NextID("dialog"))(t), "1")
		same(t, "NextID of sequence call again", must(tx.NextID("call"))(t), "2")
		return nil
	})
	w.checkStore(t, "one ID for every kind", e.Store)
}
