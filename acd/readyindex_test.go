package acd

import (
	"slices"
	"testing"
	"time"

	"github.com/finessed/finessed/model"
)

// file orders agents by READY time, equal times in arrival order, and
// takes out an agent that is no longer routable.
func TestFileKeepsReadyOrder(t *testing.T) {
	t0 := time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)
	ready := func(id string, at time.Duration) Agent {
		return Agent{ID: id, State: model.StateReady, Extension: "7000", ReadySince: t0.Add(at)}
	}
	var list []readyEntry
	for _, a := range []Agent{ready("b", 2), ready("a", 1), ready("c", 2), ready("d", 0)} {
		list = file(list, a)
	}
	list = file(list, Agent{ID: "a", State: model.StateNotReady})
	var got []string
	for _, r := range list {
		got = append(got, r.id)
	}
	if want := []string{"d", "b", "c"}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
}
