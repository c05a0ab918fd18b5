package main

import "testing"

func TestGCPercentFor(t *testing.T) {
	const mb = 1 << 20
	for _, c := range []struct {
		headroom, counted uint64
		want              int
	}{
		{192 * mb, 64 * mb, 300},  // the heap may grow by 192 MB: a third of it live
		{192 * mb, 256 * mb, 100}, // a live heap larger than the headroom: Go's default
		{192 * mb, 1 * mb, 4800},  // start-up: as if 4 MB, so the minimum heap is 192 MB
		{192 * mb, 0, 4800},       // nothing counted yet
		{192 * mb, 192 * mb, 100}, // the headroom is the live heap: GOGC=100
		{192 * mb, 150 * mb, 128}, // in between
		{0, 64 * mb, 100},         // no headroom: never below Go's default
	} {
		if got := gcPercentFor(c.headroom, c.counted); got != c.want {
			t.Errorf("gcPercentFor(%d MB, %d MB) = %d, want %d", c.headroom/mb, c.counted/mb, got, c.want)
		}
	}
}
