package xmpp

import (
	"context"
	"testing"

	"github.com/finessed/finessed/acd"
)

// The delivery cursor a node announces, for its desktops' replay should it
// die, stops before the first notification a session has not had written:
// queued or in the writer's hands counts as not given. Sessions owed
// nothing do not hold it back.
func TestDeliveryCursor(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	a := e.open("1001", "desk")
	a.available()
	idle := e.open("1002", "desk")
	idle.available()
	last := func() acd.EventID {
		id, err := e.eng.Log().Last(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return id
	}

	a.notes(e.signIn("1001", "3001"))
	if got, want := e.svc.hub.cursor(), last(); got != want {
		t.Fatalf("all written: cursor %d, want %d", got, want)
	}

	a.write = false
	a.notes(e.ready("1001"))
	unwritten := last()
	if got := e.svc.hub.cursor(); got != unwritten-1 {
		t.Fatalf("one taken but not written: cursor %d, want %d", got, unwritten-1)
	}
	r3 := e.notReady("1001", "2")
	e.dispatched()
	if got := e.svc.hub.cursor(); got != unwritten-1 {
		t.Fatalf("and one more queued: cursor %d, want %d", got, unwritten-1)
	}

	a.write = true
	a.notes(r3, e.ready("1001"))
	if got := e.svc.hub.cursor(); got != unwritten-1 {
		t.Fatalf("later batches written, the held one never: cursor %d, want %d", got, unwritten-1)
	}
	b := e.open("1001", "desk2")
	b.available()
	a.sess.Close()
	b.notes(e.notReady("1001", "2"))
	if got, want := e.svc.hub.cursor(), last(); got != want {
		t.Fatalf("the holding session gone: cursor %d, want %d", got, want)
	}
}
