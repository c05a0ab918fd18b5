package storetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// testRoster: an empty roster has no members; an announcement is read back
// whole (times to the nanosecond, in UTC or not); a node's later
// announcement replaces its earlier one; nodes do not replace each other.
func testRoster(t *testing.T, e *env) {
	r := e.Roster
	members := func(when string) []acd.Member {
		t.Helper()
		got, err := r.Members(t.Context())
		if err != nil {
			t.Fatalf("%s: Members: %v", when, err)
		}
		slices.SortFunc(got, func(a, b acd.Member) int { return strings.Compare(a.ID, b.ID) })
		for i := range got {
			got[i].Beat = got[i].Beat.UTC()
		}
		return got
	}
	announce := func(m acd.Member) {
		t.Helper()
		if err := r.Announce(t.Context(), m); err != nil {
			t.Fatalf("Announce %s: %v", m.ID, err)
		}
	}
	same(t, "members of an empty roster", len(members("empty")), 0)

	a := acd.Member{
		ID:        "node-a",
		Node:      model.NodeInfo{Host: "a.example.com", HTTPSPort: "8445", XMPPPort: "5222", XMPPSecurePort: "5223"},
		Peer:      "b.example.com:8082",
		Delivered: 1<<53 + 1,
		Beat:      e.clock.Now(),
	}
	announce(a)
	same(t, "after node-a's announcement", members("one"), []acd.Member{a})

	b := acd.Member{ID: "node-b", Node: model.NodeInfo{Host: "b"}, Beat: e.clock.Now().In(time.FixedZone("IST", 330*60))}
	announce(b)
	e.clock.Advance(time.Second)
	a.Delivered, a.Beat = 7, e.clock.Now()
	announce(a)
	b.Beat = b.Beat.UTC()
	same(t, "after node-b's and node-a's second announcement", members("two"), []acd.Member{a, b})
}
