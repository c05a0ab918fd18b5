package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"
)

// gcHeadroom paces the collector so that the heap may grow by at least
// headroom bytes past what the last collection found live before the next
// collection starts: GOGC is set, after every collection, to the larger of
// 100 (Go's default) and the percentage of the live heap (with the stacks
// and globals the collector counts) that headroom is.
//
// Go's default lets the heap double. On a server whose live heap is tens
// of MB while it allocates tens of MB a second, that is a collection every
// second or so, each marking for tens of ms on a busy machine while the
// goroutines that allocate help it (assists): on the request and delivery
// paths, which is where a notification's tail latency came from. A fixed
// headroom makes collections rarer by the same factor and keeps the heap's
// size flat from one load to the next (the goal moves only as much as the
// live heap does), where a higher GOGC alone would grow it with the live
// heap. Once the live heap is larger than headroom, this is GOGC=100.
type gcHeadroom struct {
	headroom uint64
	stopped  atomic.Bool
	percent  int // last set; only the cleanup goroutine touches it
	samples  []metrics.Sample
}

// startGCHeadroom paces collections with headroom bytes (see gcHeadroom)
// unless the environment sets GOGC or GOMEMLIMIT, which then apply as
// given, or headroom is 0. It returns a function that stops the pacing and
// restores GOGC=100.
func startGCHeadroom(headroom uint64) (stop func()) {
	if headroom == 0 {
		return func() {}
	}
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		if v, ok := os.LookupEnv(env); ok {
			slog.Info("GC paced by the environment, not -gc-headroom-mb", env, v)
			return func() {}
		}
	}
	g := &gcHeadroom{headroom: headroom, percent: 100, samples: []metrics.Sample{
		{Name: "/gc/heap/live:bytes"}, {Name: "/gc/scan/stack:bytes"}, {Name: "/gc/scan/globals:bytes"},
	}}
	g.adjust()
	g.arm()
	return func() {
		if !g.stopped.Swap(true) {
			debug.SetGCPercent(100)
		}
	}
}

// arm calls adjust after the next collection: the cleanup of an object
// nothing refers to runs once a collection has found it unreachable, and
// arms the next one.
func (g *gcHeadroom) arm() {
	sentinel := new([16]byte)
	runtime.AddCleanup(sentinel, func(g *gcHeadroom) {
		if g.stopped.Load() {
			return
		}
		g.adjust()
		g.arm()
	}, g)
}

// adjust sets GOGC from the last collection's live heap.
func (g *gcHeadroom) adjust() {
	metrics.Read(g.samples)
	var counted uint64
	for _, s := range g.samples {
		if s.Value.Kind() == metrics.KindUint64 {
			counted += s.Value.Uint64()
		}
	}
	p := gcPercentFor(g.headroom, counted)
	// Small moves of the live heap are not worth a new goal.
	if p != g.percent && (p > g.percent*21/20 || p < g.percent*19/20 || p == 100) {
		debug.SetGCPercent(p)
		g.percent = p
	}
}

// gcPercentFor is the GOGC that lets a heap of counted live bytes (with
// stacks and globals) grow by headroom, and at least 100. A heap counted
// as less than the runtime's minimum heap (4 MB at GOGC=100, which it
// scales by GOGC) is taken as that minimum, so that a nearly empty heap at
// start-up does not make a GOGC whose minimum heap is larger than
// headroom.
func gcPercentFor(headroom, counted uint64) int {
	p := headroom * 100 / max(counted, minHeap)
	return int(max(p, 100))
}

// minHeap is the runtime's smallest heap goal at GOGC=100.
const minHeap = 4 << 20
