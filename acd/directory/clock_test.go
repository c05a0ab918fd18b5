package directory

import (
	"sync"
	"time"
)

// testClock is a Clock the tests move by hand, to reach lockout and
// cache expiries without waiting.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	return &testClock{now: time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// NewTestClock gives the external tests the same clock.
var NewTestClock = newTestClock

// TestClock is its type, for their helpers' signatures.
type TestClock = testClock
