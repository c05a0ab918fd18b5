package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
)

// node is one node's view of the shared lease, failing the test on any
// error.
type node struct {
	name  string
	lease acd.Lease
}

func (e *env) node(name string) node { return node{name, e.Lease(name)} }

func (n node) hold(t testing.TB) bool {
	t.Helper()
	ok, err := n.lease.Hold(t.Context())
	if err != nil {
		t.Fatalf("%s: Hold: %v", n.name, err)
	}
	return ok
}

func (n node) release(t testing.TB) {
	t.Helper()
	if err := n.lease.Release(t.Context()); err != nil {
		t.Fatalf("%s: Release: %v", n.name, err)
	}
}

// wantHold fails t unless n's Hold reports want.
func (n node) wantHold(t testing.TB, when string, want bool) {
	t.Helper()
	if got := n.hold(t); got != want {
		t.Errorf("%s: %s Hold = %v, want %v", when, n.name, got, want)
	}
}

// wantHolder fails t unless every node names holder as the lease's holder.
func wantHolder(t testing.TB, when, holder string, nodes ...node) {
	t.Helper()
	for _, n := range nodes {
		got, err := n.lease.Holder(t.Context())
		if err != nil {
			t.Fatalf("%s: Holder: %v", n.name, err)
		}
		if got != holder {
			t.Errorf("%s: Holder as %s sees it = %q, want %q", when, n.name, got, holder)
		}
	}
}

// testLeaseExpiry: a free lease goes to the first node to Hold it; while
// it is fresh every other node is refused and Holder names the holder; at
// ttl after it was taken it is free (Holder "") and the next node to Hold
// takes it.
func testLeaseExpiry(t *testing.T, e *env) {
	a, b := e.node("node-a"), e.node("node-b")
	wantHolder(t, "before anyone held it", "", a, b)
	a.wantHold(t, "free lease", true)
	wantHolder(t, "just taken", "node-a", a, b)
	b.wantHold(t, "fresh lease of node-a", false)
	wantHolder(t, "after node-b was refused", "node-a", a, b)

	e.clock.Advance(e.ttl - time.Millisecond)
	b.wantHold(t, "1ms before the lease of node-a expires", false)
	wantHolder(t, "1ms before expiry", "node-a", a, b)

	e.clock.Advance(time.Millisecond)
	wantHolder(t, "at expiry", "", a, b)
	b.wantHold(t, "expired lease of node-a", true)
	wantHolder(t, "taken over", "node-b", a, b)
	a.wantHold(t, "fresh lease of node-b", false)

	// A lease that expired with nobody taking it goes back to its holder.
	e.clock.Advance(e.ttl)
	wantHolder(t, "node-b's lease expired", "", a, b)
	b.wantHold(t, "own expired lease", true)
	wantHolder(t, "taken back", "node-b", a, b)
}

// testLeaseRenew: Hold by the holder renews the lease for ttl from then:
// it keeps it past the original deadline, until ttl after the renewal.
func testLeaseRenew(t *testing.T, e *env) {
	a, b := e.node("node-a"), e.node("node-b")
	half := (e.ttl / 2).Truncate(time.Millisecond)
	a.wantHold(t, "free lease", true)
	e.clock.Advance(half)
	a.wantHold(t, "renewing", true)
	e.clock.Advance(e.ttl - half) // the first deadline
	wantHolder(t, "at the first deadline, after renewal", "node-a", a, b)
	b.wantHold(t, "renewed lease at its first deadline", false)
	e.clock.Advance(half - time.Millisecond) // 1ms before the renewed deadline
	b.wantHold(t, "1ms before the renewed deadline", false)
	wantHolder(t, "1ms before the renewed deadline", "node-a", a, b)
	e.clock.Advance(time.Millisecond)
	wantHolder(t, "at the renewed deadline", "", a, b)
	b.wantHold(t, "at the renewed deadline", true)
	wantHolder(t, "taken over", "node-b", a, b)
}

// testLeaseRelease: Release by the holder frees the lease at once, so
// that another node takes it without waiting; Release by a node that does
// not hold it changes nothing, the holder's deadline included; releasing
// a free lease is no error.
func testLeaseRelease(t *testing.T, e *env) {
	a, b := e.node("node-a"), e.node("node-b")
	b.release(t)
	wantHolder(t, "after a release of a free lease", "", a, b)

	a.wantHold(t, "free lease", true)
	b.release(t)
	wantHolder(t, "after node-b released node-a's lease", "node-a", a, b)
	b.wantHold(t, "after node-b released node-a's lease", false)
	e.clock.Advance(e.ttl - time.Millisecond)
	wantHolder(t, "1ms before expiry, after node-b's release", "node-a", a, b)
	b.wantHold(t, "1ms before expiry, after node-b's release", false)

	a.release(t)
	wantHolder(t, "after node-a released its lease", "", a, b)
	b.wantHold(t, "right after node-a released its lease", true)
	wantHolder(t, "after node-b took the released lease", "node-b", a, b)

	a.release(t)
	wantHolder(t, "after the former holder released again", "node-b", a, b)
	a.wantHold(t, "node-b's fresh lease after node-a's second release", false)
	e.clock.Advance(e.ttl - time.Millisecond)
	wantHolder(t, "1ms before node-b's lease expires", "node-b", a, b)

	b.release(t)
	b.release(t)
	wantHolder(t, "after node-b released twice", "", a, b)
	a.wantHold(t, "after node-b released", true)
}

// testLeaseConcurrentHold: of nodes racing to Hold a free lease, exactly
// one gets it; after, it alone renews it.
func testLeaseConcurrentHold(t *testing.T, e *env) {
	const n = 8
	nodes := make([]node, n)
	for i := range nodes {
		nodes[i] = e.node(fmt.Sprintf("node-%d", i))
	}
	got := make([]bool, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, nd := range nodes {
		wg.Go(func() { got[i], errs[i] = nd.lease.Hold(t.Context()) })
	}
	wg.Wait()
	winner := -1
	for i := range nodes {
		if errs[i] != nil {
			t.Fatalf("%s: Hold: %v", nodes[i].name, errs[i])
		}
		if got[i] {
			if winner >= 0 {
				t.Fatalf("both %s and %s hold the lease", nodes[winner].name, nodes[i].name)
			}
			winner = i
		}
	}
	if winner < 0 {
		t.Fatal("no node got the free lease")
	}
	wantHolder(t, "after the race", nodes[winner].name, nodes...)
	for i, nd := range nodes {
		nd.wantHold(t, "after the race", i == winner)
	}
}
