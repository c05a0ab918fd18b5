package acd_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// BenchmarkPredictiveCampaign runs rounds of a predictive campaign on a
// queue of 2,000 READY agents, ratio 1.5: each round starts a campaign of
// 3,000 customers who all answer after a second, so the dialer holds
// every agent, dials 3,000 lines, connects 2,000 customers and abandons
// the rest; then every agent hangs up and is READY for the next round.
// It reports connected calls a second of the engine's time and the time
// of each phase.
func BenchmarkPredictiveCampaign(b *testing.B) {
	const agents, lines = 2000, 3000
	cfg := bigConfig(agents)
	cfg.Teams[0].WrapUpOnOutgoing = model.WrapUpNotAllowed
	cfg.DialPlan = []directory.DialRule{{Pattern: "555*", Behaviour: directory.DialAnswer, AnswerAfter: time.Second}}
	q := directory.QueueConfig{ID: "1", Name: "Load"}
	for i := range agents {
		q.Agents = append(q.Agents, agentID(i))
	}
	cfg.Queues = []directory.QueueConfig{q}
	f := newFixture(b, cfg)
	defer f.eng.Close()
	for i := range agents {
		f.ready(agentID(i), deviceOf(i))
	}
	ctx := context.Background()
	req := acd.CampaignRequest{Name: "Load", Mode: acd.ModePredictive, Queue: "1", Ratio: 1.5, MaxAttempts: 1}
	for i := range lines {
		req.Contacts = append(req.Contacts, acd.ContactRequest{PhoneNumber: "555" + strconv.Itoa(1000000+i)})
	}
	var dialing, connecting, hangingUp time.Duration
	connected := 0
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		c, err := f.eng.StartCampaign(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		dialed := time.Now()
		f.clock.Advance(time.Second)
		answered := time.Now()
		_, contacts, err := f.eng.CampaignStatus(ctx, c.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range contacts {
			if k.Status != acd.ContactAnswered {
				continue
			}
			connected++
			if _, err := f.eng.HangUpCall(ctx, k.Call); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := f.eng.StopCampaign(ctx, c.ID); err != nil {
			b.Fatal(err)
		}
		dialing += dialed.Sub(start)
		connecting += answered.Sub(dialed)
		hangingUp += time.Since(answered)
	}
	if connected != agents*b.N {
		b.Fatalf("%d customers connected in %d rounds, want %d a round", connected, b.N, agents)
	}
	total := dialing + connecting + hangingUp
	b.ReportMetric(float64(connected)/total.Seconds(), "calls/s")
	b.ReportMetric(dialing.Seconds()/float64(b.N), "s-dial/round")
	b.ReportMetric(connecting.Seconds()/float64(b.N), "s-connect/round")
	b.ReportMetric(hangingUp.Seconds()/float64(b.N), "s-hangup/round")
}
