package acd_test

import (
	"slices"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
)

// firing records, in order, which timers ran and what the clock read
// while each did.
type firing struct {
	name string
	at   time.Time
}

func sameFirings(got, want []firing) bool {
	return slices.EqualFunc(got, want, func(g, w firing) bool { return g.name == w.name && g.at.Equal(w.at) })
}

func TestFakeClockFiresTimersInDeadlineOrder(t *testing.T) {
	c := acd.NewFakeClock(t0)
	var fired []firing
	arm := func(name string, d time.Duration) acd.Timer {
		return c.AfterFunc(d, func() { fired = append(fired, firing{name, c.Now()}) })
	}
	// Armed out of order, so that order of arming cannot pass for order of
	// deadlines.
	arm("c", 30*time.Second)
	arm("a", 10*time.Second)
	arm("b", 20*time.Second)
	arm("late", time.Hour)

	c.Advance(9 * time.Second)
	if len(fired) != 0 {
		t.Fatalf("timers fired before their time: %v", fired)
	}
	c.Advance(21 * time.Second) // to exactly the last deadline
	want := []firing{{"a", t0.Add(10 * time.Second)}, {"b", t0.Add(20 * time.Second)}, {"c", t0.Add(30 * time.Second)}}
	if !sameFirings(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if now := c.Now(); !now.Equal(t0.Add(30 * time.Second)) {
		t.Fatalf("after Advance the clock reads %v, want %v", now, t0.Add(30*time.Second))
	}
}

func TestFakeClockStop(t *testing.T) {
	c := acd.NewFakeClock(t0)
	ran := 0
	stopped := c.AfterFunc(time.Second, func() { ran++ })
	kept := c.AfterFunc(time.Second, func() { ran++ })

	if !stopped.Stop() {
		t.Fatal("Stop of a pending timer reported it was not pending")
	}
	if stopped.Stop() {
		t.Fatal("a second Stop reported the timer still pending")
	}
	c.Advance(time.Minute)
	if ran != 1 {
		t.Fatalf("%d timers ran, want only the one not stopped", ran)
	}
	if kept.Stop() {
		t.Fatal("Stop of a timer that has fired reported it pending")
	}
}

// The engine arms follow-up timers from inside timer callbacks (a sweep
// that schedules the next one); one Advance past both deadlines must run
// both, each reading its own deadline.
func TestFakeClockTimerArmedInsideCallback(t *testing.T) {
	c := acd.NewFakeClock(t0)
	var fired []firing
	c.AfterFunc(10*time.Second, func() {
		fired = append(fired, firing{"first", c.Now()})
		c.AfterFunc(5*time.Second, func() { fired = append(fired, firing{"inner", c.Now()}) })
		c.AfterFunc(time.Hour, func() { fired = append(fired, firing{"too late", c.Now()}) })
	})
	c.AfterFunc(20*time.Second, func() { fired = append(fired, firing{"second", c.Now()}) })

	c.Advance(time.Minute)
	want := []firing{
		{"first", t0.Add(10 * time.Second)},
		{"inner", t0.Add(15 * time.Second)},
		{"second", t0.Add(20 * time.Second)},
	}
	if !sameFirings(fired, want) {
		t.Fatalf("fired %v, want %v", fired, want)
	}
	if now := c.Now(); !now.Equal(t0.Add(time.Minute)) {
		t.Fatalf("after Advance the clock reads %v, want %v", now, t0.Add(time.Minute))
	}
}
