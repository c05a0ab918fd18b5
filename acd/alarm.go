package acd

import (
	"sync"
	"time"
)

// alarm runs its function once at the earliest time it was set to. Setting
// a time no earlier than the one pending changes nothing, so that a wave
// of deadlines (two thousand desktops lost in one network blip, each with
// its grace period) costs one timer, not one per deadline: the sweep it
// runs finds every deadline that has passed and sets the alarm again for
// the next (no sooner than awaySweepSpacing, so that the wave costs a
// few sweeps rather than one per deadline).
type alarm struct {
	mu    sync.Mutex
	at    time.Time // zero: nothing pending
	timer Timer
	gen   uint64 // tells a replaced timer's late run from the current one's
}

// set makes the alarm run f at at, unless it will already run by then.
func (a *alarm) set(timers *timerSet, clock Clock, at time.Time, f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if !a.at.IsZero() && !at.Before(a.at) {
		return
	}
	if a.timer != nil {
		timers.cancel(a.timer)
	}
	a.gen++
	gen := a.gen
	a.at = at
	a.timer = timers.afterTimer(clock, max(at.Sub(clock.Now()), 0), func() {
		a.mu.Lock()
		if a.gen == gen {
			a.at, a.timer = time.Time{}, nil
		}
		a.mu.Unlock()
		f()
	})
}
