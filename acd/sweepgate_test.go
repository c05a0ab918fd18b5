package acd

import (
	"sync"
	"sync/atomic"
	"testing"
)

// A hundred sweeps asked for while one runs make one more run after it,
// not a hundred beside it; none is asked for and then skipped.
func TestSweepGateCoalesces(t *testing.T) {
	var g sweepGate
	var runs atomic.Int32
	inside, release := make(chan struct{}), make(chan struct{})
	first := make(chan struct{})
	go func() {
		defer close(first)
		g.run(func() {
			if runs.Add(1) == 1 {
				close(inside)
				<-release
			}
		})
	}()
	<-inside
	var asked sync.WaitGroup
	for range 100 {
		asked.Go(func() { g.run(func() { runs.Add(1) }) })
	}
	asked.Wait() // each returned at once: a sweep was running
	close(release)
	<-first
	if n := runs.Load(); n != 2 {
		t.Fatalf("%d sweeps ran, want 2 (the first and one after it)", n)
	}
	g.run(func() { runs.Add(1) })
	if n := runs.Load(); n != 3 {
		t.Fatalf("a sweep asked for when none runs did not run at once (%d runs)", n)
	}
}
