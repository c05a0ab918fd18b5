package directory

import "fmt"

// The routing strategies a queue may use to pick among its READY agents.
const (
	// LongestAvailable offers the call to the agent READY the longest, as
	// UCCE does by default.
	LongestAvailable = "longest-available"
	// RoundRobin offers calls to the queue's agents in turn, in config
	// order, starting after the agent offered the last call.
	RoundRobin = "round-robin"
	// FewestCalls offers the call to the agent that has handled the fewest
	// calls since it signed in (ties: longest available).
	FewestCalls = "fewest-calls"
	// RingAll rings every READY agent of the queue at once; the first to
	// answer takes the call and the others go back to READY.
	RingAll = "ring-all"
)

func checkStrategy(s string) error {
	switch s {
	case "", LongestAvailable, RoundRobin, FewestCalls, RingAll:
		return nil
	}
	return fmt.Errorf("strategy %q is none of %s, %s, %s, %s", s, LongestAvailable, RoundRobin, FewestCalls, RingAll)
}
