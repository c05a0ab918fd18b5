package acd

import "slices"

// One transaction often changes a dialog more than once: a transfer drops
// the transferring agent's party and then puts it in wrap-up; a drop on a
// team that wraps up ends the call and then starts the wrap-up. Each step
// emits a PUT of the whole dialog, and a desktop shown both sees its party
// DROPPED and then WRAP_UP within the same millisecond, which real Finesse
// never sends. The transaction commits atomically, so only its last PUT of
// a dialog describes anything a desktop can act on.

// emitBuffer holds a transaction's events until its function returns.
type emitBuffer struct {
	Tx
	events []Event
}

func (b *emitBuffer) Emit(ev Event) { b.events = append(b.events, ev) }

// flush emits the buffered events in order, leaving out every dialog PUT
// that a later one of the same dialog follows; the later one also goes to
// the nodes the left-out one was for.
func (b *emitBuffer) flush() {
	last := map[string]int{}
	for i, ev := range b.events {
		if ev.dialogPut != "" {
			last[ev.dialogPut] = i
		}
	}
	for i, ev := range b.events {
		if j, ok := last[ev.dialogPut]; ok && j != i {
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
