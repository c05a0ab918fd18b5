package acd

import "sync"

// sweepGate runs one sweep at a time. A sweep asked for while one runs is
// not run beside it but once more after it, reading the Store afresh, so
// no deadline is missed and a thousand timers firing together (every
// desktop of a load test leaving at once) cost two scans, not a thousand
// concurrent ones, each holding a copy of every agent.
type sweepGate struct {
	mu      sync.Mutex
	running bool
	again   bool
}

// run runs sweep now, or after the sweep that is running.
func (g *sweepGate) run(sweep func()) {
	g.mu.Lock()
	if g.running {
		g.again = true
		g.mu.Unlock()
		return
	}
	g.running = true
	g.mu.Unlock()
	for {
		sweep()
		g.mu.Lock()
		if !g.again {
			g.running = false
			g.mu.Unlock()
			return
		}
		g.again = false
		g.mu.Unlock()
	}
}
