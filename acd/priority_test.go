package acd_test

import (
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// An agent of several queues who becomes READY takes the call that has
// waited longest across them (whatever the order of its queues in the
// config); a queue of higher priority goes first.
func TestQueuePriority(t *testing.T) {
	for _, c := range []struct {
		name          string
		salesPriority int
		want          string // the queue whose call 1001 gets
	}{{"longest waiting", 0, "300"}, {"priority", 1, "100"}} {
		t.Run(c.name, func(t *testing.T) {
			cfg := demoConfig(t)
			for i := range cfg.Queues {
				if cfg.Queues[i].ID == "100" {
					cfg.Queues[i].Priority = c.salesPriority
				}
			}
			f := newFixture(t, cfg)
			f.signIn("1001", "3001")
			vip := f.inject("300", "5550002")
			f.clock.Advance(time.Second)
			sales := f.inject("100", "5550001")
			if _, err := f.change("1001", "1001", model.StateReady, "", ""); err != nil {
				t.Fatal(err)
			}
			want := sales
			if c.want == "300" {
				want = vip
			}
			f.wantCall(want.ID, acd.CallAlerting, "1001")
			if d := f.dialogOf("1001"); d.MediaProperties.QueueNumber != c.want {
				t.Fatalf("1001 was offered a call of queue %s, want %s", d.MediaProperties.QueueNumber, c.want)
			}
		})
	}
}
