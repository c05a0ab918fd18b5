package acd

import (
	"slices"
	"strings"
	"testing"
)

type emitted struct {
	Tx
	events []Event
}

func (t *emitted) Emit(ev Event) { t.events = append(t.events, ev) }

// A dialog PUT is left out only when a later PUT of the same dialog can
// stand in for it on every node it went to, with nothing in between on
// those nodes: a desktop never sees a PUT after its DELETE.
func TestCoalesceKeepsEachNodesOrder(t *testing.T) {
	put := func(name string, nodes ...string) Event {
		return Event{Nodes: nodes, Payload: []byte(name), dialogPut: "7"}
	}
	other := func(name string, nodes ...string) Event { return Event{Nodes: nodes, Payload: []byte(name)} }
	for _, c := range []struct {
		name string
		in   []Event
		want []string // payload: nodes
	}{
		{"the later stands in", []Event{put("dropped", "a"), other("user", "u"), put("wrapup", "a", "b")},
			[]string{"user:u", "wrapup:a,b"}},
		{"nodes carried over", []Event{put("dropped", "a", "b"), put("wrapup", "a")},
			[]string{"wrapup:a,b"}},
		{"a DELETE in between keeps both", []Event{put("dropped", "a", "b"), other("delete", "b"), put("wrapup", "a")},
			[]string{"dropped:a,b", "delete:b", "wrapup:a"}},
		{"another request's PUT keeps both", []Event{put("dropped", "a"), {Nodes: []string{"a"}, Payload: []byte("wrapup"), dialogPut: "7", requestID: "r2"}},
			[]string{"dropped:a", "wrapup:a"}},
		{"another dialog is left alone", []Event{put("dropped", "a"), {Nodes: []string{"a"}, Payload: []byte("other"), dialogPut: "8"}},
			[]string{"dropped:a", "other:a"}},
	} {
		out := &emitted{}
		b := &emitBuffer{Tx: out}
		for _, ev := range c.in {
			b.Emit(ev)
		}
		b.flush()
		var got []string
		for _, ev := range out.events {
			got = append(got, string(ev.Payload)+":"+strings.Join(ev.Nodes, ","))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
