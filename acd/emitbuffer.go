package acd

import (
	"slices"
	"strings"

	"github.com/finessed/finessed/model"
)

// One transaction often changes a dialog more than once: a transfer drops
// the transferring agent's party and then puts it in wrap-up; a drop on a
// team that wraps up ends the call and then starts the wrap-up. Each step
// emits a PUT of the whole dialog, and a desktop shown both sees its party
// DROPPED and then WRAP_UP within the same millisecond, which real Finesse
// never sends. The transaction commits atomically, so only its last PUT of
// a dialog describes anything a desktop can act on.

// emitBuffer holds a transaction's events until its function returns.
// It also makes stale the retry mark (retrysafe.go) of every user an event
// of the transaction is about, but one the transaction marks itself: a
// request repeated after anything else changed that user is no retry.
type emitBuffer struct {
	Tx
	events []Event
	marked []string // users whose retry mark the transaction wrote
}

func (b *emitBuffer) Emit(ev Event) { b.events = append(b.events, ev) }

func (b *emitBuffer) PutLastRequest(user string, r LastRequest) {
	b.marked = append(b.marked, user)
	b.Tx.PutLastRequest(user, r)
}

// clearMarks empties the retry marks of the users events are about.
func (b *emitBuffer) clearMarks() {
	var cleared []string
	for _, ev := range b.events {
		for _, n := range ev.Nodes {
			user, ok := userOfNode(n)
			if ok && !slices.Contains(b.marked, user) && !slices.Contains(cleared, user) {
				cleared = append(cleared, user)
				b.Tx.PutLastRequest(user, LastRequest{})
			}
		}
	}
}

// userOfNode is the user of a /finesse/api/User/{id} node or of its
// Dialogs node.
func userOfNode(node string) (string, bool) {
	rest, ok := strings.CutPrefix(node, model.UserURIPrefix)
	if !ok {
		return "", false
	}
	id, sub, _ := strings.Cut(rest, "/")
	return id, sub == "" || sub == "Dialogs"
}

// flush emits the buffered events in order, leaving out a dialog PUT that
// a later PUT of the same dialog follows, when no event in between goes to
// any of its nodes: a desktop sees each node's events in order, so a PUT
// may not move past a DELETE (or anything else) on its node. The later PUT
// also goes to the nodes the left-out one was for.
func (b *emitBuffer) flush() {
	b.clearMarks()
	for i, ev := range b.events {
		if j := b.supersededAt(i); j > 0 {
			later := &b.events[j]
			for _, n := range ev.Nodes {
				if !slices.Contains(later.Nodes, n) {
					later.Nodes = append(later.Nodes, n)
				}
			}
			continue
		}
		b.Tx.Emit(ev)
	}
}

// supersededAt is the index of the next PUT of the same dialog as event i
// if it may stand in for i, else 0. It must answer the same request: the
// requestId a desktop waits for is not given up for a later PUT's.
func (b *emitBuffer) supersededAt(i int) int {
	key, rid := b.events[i].dialogPut, b.events[i].requestID
	if key == "" {
		return 0
	}
	nodes := b.events[i].Nodes
	for j := i + 1; j < len(b.events); j++ {
		ev := b.events[j]
		if ev.dialogPut == key {
			if ev.requestID != rid {
				return 0
			}
			return j
		}
		if slices.ContainsFunc(ev.Nodes, func(n string) bool { return slices.Contains(nodes, n) }) {
			return 0
		}
	}
	return 0
}
