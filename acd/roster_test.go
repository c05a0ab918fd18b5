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

// dyingRoster is a node's roster that stops answering when the node dies.
type dyingRoster struct {
	acd.Roster
	dead *atomic.Bool
}

func (r dyingRoster) Announce(ctx context.Context, m acd.Member) error {
	if r.dead.Load() {
		return errors.New("node is dead")
	}
	return r.Roster.Announce(ctx, m)
}

// peerNode is one of two engines sharing the fixture's store, lease and
// roster, which can be made to die without a word.
type peerNode struct {
	*acd.Engine
	dead      *atomic.Bool
	delivered atomic.Uint64
}

func (n *peerNode) die() { n.dead.Store(true) }

// peers starts nodes "a" and "b" with -peer addresses naming each other.
func peers(t *testing.T, f *fixture) (a, b *peerNode) {
	leases := memstore.NewLeases(f.clock, acd.LeaseTTL)
	roster := &memstore.Roster{}
	open := func(id, port, peer string) *peerNode {
		lease := &dyingLease{Lease: leases.For(id)}
		n := &peerNode{dead: &lease.dead}
		e, err := acd.NewEngine(acd.Options{
			Directory: f.eng.Directory(), Store: f.store, Log: f.log, Clock: f.clock,
			NodeID: id, Node: model.NodeInfo{Host: id + ".local", XMPPPort: port}, Peer: peer,
			Lease: lease, Roster: dyingRoster{roster, n.dead},
		})
		if err != nil {
			t.Fatal(err)
		}
		n.Engine = e
		e.TrackDelivered(func() acd.EventID { return acd.EventID(n.delivered.Load()) })
		t.Cleanup(e.Close)
		return n
	}
	b = open("b", "5223", "a.example.com:8082")
	a = open("a", "5222", "b.example.com:8082")
	b.Start()
	a.Start()
	return a, b
}

// Both nodes report the same pair, the node whose id sorts first as
// primary, each host being the one its peer names with -peer.
func TestSystemInfoNodePair(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, b := peers(t, f)
	f.clock.Advance(250 * time.Millisecond)
	infoA, infoB := a.SystemInfo(), b.SystemInfo()
	want := [2]model.NodeInfo{{Host: "a.example.com", XMPPPort: "5222"}, {Host: "b.example.com", XMPPPort: "5223"}}
	for name, info := range map[string]model.SystemInfo{"a": infoA, "b": infoB} {
		if got := [2]model.NodeInfo{info.PrimaryNode, info.SecondaryNode}; got != want {
			t.Errorf("node %s reports %+v, want %+v", name, got, want)
		}
		if info.Status != model.StatusInService {
			t.Errorf("node %s is %s", name, info.Status)
		}
	}
	a.die()
	f.clock.Advance(time.Minute)
	if got := b.SystemInfo(); got.PrimaryNode != want[0] || got.SecondaryNode != want[1] {
		t.Errorf("with a dead, b reports %+v %+v, want %+v", got.PrimaryNode, got.SecondaryNode, want)
	}
}

// A node alone reports the -peer address as its secondary until the peer
// announces itself.
func TestSystemInfoPeerNotYetUp(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	e, err := acd.NewEngine(acd.Options{
		Directory: f.eng.Directory(), Store: f.store, Log: f.log, Clock: f.clock,
		NodeID: "b", Node: model.NodeInfo{Host: "b.local", HTTPSPort: "8445"}, Peer: "a.example.com:8082",
		Lease: memstore.NewLeases(f.clock, acd.LeaseTTL).For("b"), Roster: &memstore.Roster{},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	e.Start()
	info := e.SystemInfo()
	if info.PrimaryNode.Host != "b.local" || info.SecondaryNode != (model.NodeInfo{Host: "a.example.com", HTTPSPort: "8445"}) {
		t.Errorf("alone: primary %+v, secondary %+v", info.PrimaryNode, info.SecondaryNode)
	}
}

// A desktop that moves from a node that dies to its peer before the death
// is noticed is replayed what the dead node last announced it had
// delivered; once the death is noticed, the agent keeps its desktop on the
// peer, so the forced logout never comes.
func TestDesktopMovesBeforeDeathIsNoticed(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, b := peers(t, f)
	f.ready("1001", "3001")
	ctx := context.Background()
	if _, replay, err := a.DesktopConnected(ctx, desk("1001")); err != nil || replay {
		t.Fatalf("first desktop on a: replay %v, %v", replay, err)
	}
	a.delivered.Store(uint64(f.last()))
	f.clock.Advance(500 * time.Millisecond) // a announces what it delivered, b reads it
	delivered := f.last()
	f.mustChange("1001", "1001", model.StateNotReady, "", "2") // not delivered: a dies now
	a.die()

	from, replay, err := b.DesktopConnected(ctx, desk("1001"))
	if err != nil || !replay || from != delivered {
		t.Fatalf("desktop moved to b: from %d replay %v (%v), want replay from %d", from, replay, err, delivered)
	}
	f.clock.Advance(acd.LeaseTTL + time.Second) // b takes the lease and reaps a
	if !b.Leading() {
		t.Fatal("b did not take over")
	}
	if got := f.agent("1001"); got.Desktops["a"] != 0 || got.Desktops["b"] != 1 || !got.AwayDeadline.IsZero() {
		t.Fatalf("after a's death: desktops %v, away deadline %v", got.Desktops, got.AwayDeadline)
	}
	f.clock.Advance(2 * time.Minute)
	f.wantState("1001", model.StateNotReady, "2")
}

// When a node dies with an agent's only desktop and the desktop does not
// come back, the survivor starts the grace period, and forces the agent
// out when it ends; a desktop that comes back within it is replayed what
// the dead node had not delivered.
func TestDeadNodesDesktopsAreReaped(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, b := peers(t, f)
	f.ready("1001", "3001")
	f.ready("1002", "3002")
	ctx := context.Background()
	for _, id := range []string{"1001", "1002"} {
		if _, _, err := a.DesktopConnected(ctx, desk(id)); err != nil {
			t.Fatal(err)
		}
	}
	a.delivered.Store(uint64(f.last()))
	f.clock.Advance(250 * time.Millisecond)
	delivered := f.last()
	a.die()
	f.clock.Advance(acd.LeaseTTL + time.Second)
	for _, id := range []string{"1001", "1002"} {
		if got := f.agent(id); got.DesktopCount() != 0 || got.AwayDeadline.IsZero() || got.Cursor != delivered {
			t.Fatalf("%s after a's death: desktops %v, deadline %v, cursor %d (want %d)", id, got.Desktops, got.AwayDeadline, got.Cursor, delivered)
		}
	}
	from, replay, err := b.DesktopConnected(ctx, desk("1002"))
	if err != nil || !replay || from != delivered {
		t.Fatalf("1002 back on b: from %d replay %v (%v), want %d", from, replay, err, delivered)
	}
	f.clock.Advance(time.Minute)
	f.wantState("1001", model.StateNotReady, "50002")
	f.wantState("1002", model.StateReady, "")
}

// A node that restarts after dying clears the desktops its last run had
// before it accepts new ones.
func TestRestartedNodeClearsItsDesktops(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, _ := peers(t, f)
	f.ready("1001", "3001")
	if _, _, err := a.DesktopConnected(context.Background(), desk("1001")); err != nil {
		t.Fatal(err)
	}
	a.Close()
	again, err := acd.NewEngine(acd.Options{
		Directory: f.eng.Directory(), Store: f.store, Log: f.log, Clock: f.clock,
		NodeID: "a", Roster: &memstore.Roster{},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(again.Close)
	again.Start()
	if got := f.agent("1001"); got.DesktopCount() != 0 || got.AwayDeadline.IsZero() {
		t.Fatalf("after a's restart: desktops %v, deadline %v", got.Desktops, got.AwayDeadline)
	}
}

// A roster that misses a beat or two is no outage; one that stays silent
// for a second puts the node out of service (SystemInfo says so, watchers
// are told), and its first answer puts it back.
func TestOutOfServiceAfterSilence(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	silent := new(atomic.Bool)
	e, err := acd.NewEngine(acd.Options{
		Directory: f.eng.Directory(), Store: f.store, Log: f.log, Clock: f.clock,
		NodeID: "a", Roster: dyingRoster{&memstore.Roster{}, silent},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	var told []bool
	e.WatchService(func(up bool) { told = append(told, up) })
	e.Start()

	silent.Store(true)
	f.clock.Advance(500 * time.Millisecond)
	if !e.InService() || len(told) != 0 {
		t.Fatalf("two missed beats: in service %v, watchers told %v", e.InService(), told)
	}
	f.clock.Advance(750 * time.Millisecond)
	if e.InService() || e.SystemInfo().Status != model.StatusOutOfService || len(told) != 1 || told[0] {
		t.Fatalf("a silent second: in service %v, status %s, watchers told %v", e.InService(), e.SystemInfo().Status, told)
	}
	silent.Store(false)
	f.clock.Advance(250 * time.Millisecond)
	if !e.InService() || e.SystemInfo().Status != model.StatusInService || len(told) != 2 || !told[1] {
		t.Fatalf("answering again: in service %v, watchers told %v", e.InService(), told)
	}
}

// A leader whose renewal does not get through keeps the lease while it
// lasts, so one slow answer does not hand the periodic work over.
func TestLeaseKeptThroughASlowRenewal(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, b := peers(t, f)
	if !a.Leading() && !b.Leading() {
		t.Fatal("nobody leads")
	}
	leader := a
	if b.Leading() {
		leader = b
	}
	leader.die()
	f.clock.Advance(500 * time.Millisecond)
	if !leader.Leading() {
		t.Fatal("the leader let go after two failed renewals")
	}
	leader.dead.Store(false)
	f.clock.Advance(250 * time.Millisecond)
	if !leader.Leading() || (a.Leading() && b.Leading()) {
		t.Fatalf("after the renewals got through again: a %v, b %v", a.Leading(), b.Leading())
	}
}

// Both desktops of a user on a node that dies are owed what that node
// last announced, each under its own JID, whether it moves to the peer
// before the death is noticed or after the peer cleared up, and although
// the user already has a desktop on the peer when the second arrives. A
// new JID is owed nothing from before it bound.
func TestEveryDesktopOfADeadNodeIsReplayed(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	a, b := peers(t, f)
	f.ready("1001", "3001")
	ctx := context.Background()
	first := acd.DesktopSession{User: "2001", JID: "2001@localhost/one", Alone: true}
	second := acd.DesktopSession{User: "2001", JID: "2001@localhost/two"}
	for _, d := range []acd.DesktopSession{first, second} {
		if _, replay, err := a.DesktopConnected(ctx, d); err != nil || replay {
			t.Fatalf("%s on a: replay %v, %v", d.JID, replay, err)
		}
	}
	a.delivered.Store(uint64(f.last()))
	f.clock.Advance(250 * time.Millisecond)
	delivered := f.last()
	f.mustChange("1001", "1001", model.StateNotReady, "", "2") // a never delivers it
	a.die()

	from, replay, err := b.DesktopConnected(ctx, first)
	if err != nil || !replay || from != delivered {
		t.Fatalf("%s moved to b: from %d replay %v (%v), want %d", first.JID, from, replay, err, delivered)
	}
	f.clock.Advance(acd.LeaseTTL + time.Second) // b reaps a
	from, replay, err = b.DesktopConnected(ctx, second)
	if err != nil || !replay || from != delivered {
		t.Fatalf("%s moved to b after a was reaped: from %d replay %v (%v), want %d", second.JID, from, replay, err, delivered)
	}
	if _, replay, err := b.DesktopConnected(ctx, acd.DesktopSession{User: "2001", JID: "2001@localhost/new"}); err != nil || replay {
		t.Fatalf("a new JID on b: replay %v (%v), want none", replay, err)
	}
}

// The record of a session that went away is kept for the grace period and
// then forgotten by the sweep.
func TestDesktopRecordsExpire(t *testing.T) {
	f := newFixture(t, demoConfig(t))
	f.connect("1001")
	f.connect("1001")
	f.disconnect("1001", 7)
	if got := f.desktopRecords(); len(got) != 2 || !got[1].Away() || got[1].Cursor != 7 {
		t.Fatalf("after one desktop left: %+v, want one available and one away at 7", got)
	}
	f.clock.Advance(grace)
	f.eng.Sweep(context.Background())
	if got := f.desktopRecords(); len(got) != 1 || got[0].Away() {
		t.Fatalf("after the grace period: %+v, want only the available one", got)
	}
}

func (f *fixture) desktopRecords() []acd.Desktop {
	f.tb.Helper()
	ds, err := f.store.Desktops(context.Background())
	if err != nil {
		f.tb.Fatalf("store.Desktops: %v", err)
	}
	return ds
}

// Both nodes lose the shared Store (a Redis failover) and a comes back
// first: it waits a beat or two before judging anyone dead, so b, back
// soon after, keeps its desktops; b, back later, finds it was cleared up
// after and takes back the desktops it still holds, and its agent is not
// forced out at the end of a grace period that never applied.
func TestOutageDoesNotCostTheSlowerNodeItsDesktops(t *testing.T) {
	for _, c := range []struct {
		name   string
		bLater time.Duration // how long after a b answers again
		reaped bool
	}{
		{"b back within the quiet", time.Second, false},
		{"b back later", 6 * time.Second, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, demoConfig(t))
			a, b := peers(t, f)
			f.ready("1001", "3001")
			ctx := context.Background()
			if _, _, err := b.DesktopConnected(ctx, desk("1001")); err != nil {
				t.Fatal(err)
			}
			told := 0
			b.WatchReaped(func() {
				told++
				if err := b.DesktopsHeld(ctx, []acd.DesktopSession{desk("1001")}); err != nil {
					t.Error(err)
				}
			})
			a.die()
			b.die()
			f.clock.Advance(5 * time.Second)
			a.dead.Store(false)
			f.clock.Advance(c.bLater)
			b.dead.Store(false)
			f.clock.Advance(5 * time.Second)
			if (told > 0) != c.reaped {
				t.Fatalf("b told it was cleared up after %d times, want %v", told, c.reaped)
			}
			if got := f.agent("1001"); got.Desktops["b"] != 1 || !got.AwayDeadline.IsZero() {
				t.Fatalf("after the outage: desktops %v, away deadline %v", got.Desktops, got.AwayDeadline)
			}
			f.clock.Advance(2 * time.Minute)
			f.wantState("1001", model.StateReady, "")
		})
	}
}
