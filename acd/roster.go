package acd

import (
	"context"
	"net"
	"slices"
	"strings"
	"time"

	"github.com/finessed/finessed/model"
)

// Member is one node as it announces itself to the nodes it shares a
// Store with.
type Member struct {
	ID   string
	Node model.NodeInfo // this node as SystemInfo describes it
	// Peer is the REST host:port this node was told its peer answers on;
	// its host is what SystemInfo reports for the peer, so both nodes
	// report the same pair.
	Peer string
	// Delivered is an event every one of the node's desktops was given,
	// with all before it (or was not owed): after the node dies, its
	// desktops are owed what follows.
	Delivered EventID
	// Beat is when the node last announced itself, on the acd Clock.
	Beat time.Time
	// Reaped names the nodes this one cleared up after as dead, each with
	// the last beat it had seen of it: a node that finds itself named
	// there, alive after all, takes back the desktops it still holds.
	Reaped map[string]time.Time
}

// alive reports whether m announced itself within ttl of now.
func (m Member) alive(now time.Time, ttl time.Duration) bool { return now.Sub(m.Beat) < ttl }

// Roster is where the nodes sharing a Store announce themselves, so that
// each knows its peer for SystemInfo, and the lease holder knows when a
// node died and whose desktops died with it.
type Roster interface {
	// Announce records m, replacing what m.ID announced before.
	Announce(ctx context.Context, m Member) error
	// Members is every node that ever announced itself, in no order.
	Members(ctx context.Context) ([]Member, error)
}

// nodePair is the primary and secondary node SystemInfo reports: this node
// and its peer (the other member that announced itself last), the primary
// being the one whose id sorts first. A node's host is the one its peer
// names with -peer, when the peer said, since that is how desktops reach
// it. Until the peer announces itself, it is known only by the -peer
// address, with this node's ports, and this node counts as primary.
func (e *Engine) nodePair(members []Member) (primary, secondary model.NodeInfo) {
	self := Member{ID: e.node, Node: e.self, Peer: e.peer}
	peer := e.peerOf(members)
	if peer == nil {
		if e.peer == "" {
			return e.self, model.NodeInfo{}
		}
		other := e.self
		other.Host = hostOf(e.peer)
		return e.self, other
	}
	a, b := self.Node, peer.Node
	if h := hostOf(peer.Peer); h != "" {
		a.Host = h
	}
	if h := hostOf(self.Peer); h != "" {
		b.Host = h
	}
	if strings.Compare(peer.ID, self.ID) < 0 {
		return b, a
	}
	return a, b
}

// peerOf is this node's peer among members: the other member that
// announced itself last, or nil.
func (e *Engine) peerOf(members []Member) *Member {
	var peer *Member
	for i, m := range members {
		if m.ID != e.node && (peer == nil || m.Beat.After(peer.Beat)) {
			peer = &members[i]
		}
	}
	return peer
}

// isPrimary reports whether this node is the primary of its pair, as
// SystemInfo names it: alone, or the one whose id sorts first.
func (e *Engine) isPrimary() bool {
	peer := e.peerOf(e.beat.members())
	return peer == nil || e.node < peer.ID
}

// hostOf is the host of a host:port address (the address itself when it
// has no port).
func hostOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}

// deadMembers are the members other than this node whose heartbeat stopped.
func deadMembers(members []Member, self string, now time.Time) []Member {
	return slices.DeleteFunc(slices.Clone(members), func(m Member) bool {
		return m.ID == self || m.alive(now, LeaseTTL)
	})
}
