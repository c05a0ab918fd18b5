package acd_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/model"
)

// dyingLease is a node's lease that stops answering when the node dies.
type dyingLease struct {
	acd.Lease
	dead atomic.Bool
}

func (l *dyingLease) Hold(ctx context.Context) (bool, error) {
	if l.dead.Load() {
		return false, errors.New("node is dead")
	}
	return l.Lease.Hold(ctx)
}

// twoNodes is the fixture's store shared by two engines with one lease;
// a's lease can be made to die.
func twoNodes(t *testing.T, f *fixture) (engA, engB *acd.Engine, a *dyingLease) {
	leases := memstore.NewLeases(f.clock, acd.LeaseTTL)
	a = &dyingLease{Lease: leases.For("a")}
	open := func(l acd.Lease) *acd.Engine {
		e, err := acd.NewEngine(acd.Options{Directory: f.eng.Directory(), Store: f.store, Log: f.log, Clock: f.clock, Lease: l})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(e.Close)
		return e
	}
	return open(a), open(leases.For("b")), a
}

// Two engines share one store and one lease: the first to ask leads, the
// other does not; when the leader dies without a word, the other takes
// over within LeaseTTL plus one poll.
func TestLeaseFailover(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	engA, engB, a := twoNodes(t, f)
	engA.Start()
	engB.Start()
	if !engA.Leading() || engB.Leading() {
		t.Fatalf("leading: a %v, b %v; want a only", engA.Leading(), engB.Leading())
	}
	f.clock.Advance(time.Minute)
	if !engA.Leading() || engB.Leading() {
		t.Fatalf("a minute on: a %v, b %v; want a only", engA.Leading(), engB.Leading())
	}
	a.dead.Store(true)
	f.clock.Advance(acd.LeaseTTL + 250*time.Millisecond)
	if !engB.Leading() || engA.Leading() {
		t.Fatalf("after a died: a %v, b %v; want b only", engA.Leading(), engB.Leading())
	}
}

// A graceful stop hands the lease over at the peer's next poll.
func TestLeaseReleasedOnClose(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	engA, engB, _ := twoNodes(t, f)
	engA.Start()
	engB.Start()
	engA.Close()
	f.clock.Advance(250 * time.Millisecond)
	if !engB.Leading() {
		t.Fatal("b did not take the lease a released")
	}
}

// The node that takes the lease fires at once every deadline that came
// due while nobody held it: here an offer that rang out while the leader
// was dead goes to the next READY agent the moment the peer takes over.
func TestLeaseTakeoverFiresDueDeadlines(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	engA, engB, a := twoNodes(t, f)
	engA.Start()
	f.ready("1001", "3001")
	f.clock.Advance(time.Second)
	f.ready("1002", "3002")
	call, err := engA.InjectCall(context.Background(), acd.CallRequest{Queue: "100", ANI: "5551234"})
	if err != nil || call.Agent != "1001" {
		t.Fatalf("inject: %+v, %v", call, err)
	}
	a.dead.Store(true)
	f.clock.Advance(250 * time.Millisecond) // a notices it lost the lease
	engA.Close()                            // and its timers die with it

	f.clock.Advance(time.Minute)
	f.wantCall(call.ID, acd.CallAlerting, "1001") // nobody swept

	engB.Start()
	if !engB.Leading() {
		t.Fatal("b did not take the expired lease")
	}
	f.wantState("1001", model.StateNotReady, "32767")
	f.wantCall(call.ID, acd.CallAlerting, "1002")
}
