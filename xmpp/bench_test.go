package xmpp

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// BenchmarkFanOut2000 is one agent state change delivered to 2,000
// available sessions subscribed to the agent's team node, each drained by
// its "transport" (Next and Written) until it has the notification.
//
// The sessions belong to 2,000 supervisors of the team, each subscribed
// with its full JID: a user may hold at most acd.MaxSubscriptions explicit
// subscriptions, so 2,000 full-JID subscriptions of one user cannot exist.
func BenchmarkFanOut2000(b *testing.B) {
	// Sessions log their opening and end; the benchmark line is the output.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.DiscardHandler))
	const sessions = 2000
	cfg := directory.Config{
		Teams:   []directory.TeamConfig{{ID: "10", Name: "Load"}},
		Devices: []string{"5000"},
		Users:   []directory.UserConfig{{ID: "a1", Password: "pw", Roles: []model.Role{model.RoleAgent}, Team: "10"}},
	}
	for i := range sessions {
		cfg.Users = append(cfg.Users, directory.UserConfig{
			ID: fmt.Sprintf("s%04d", i), Password: "pw", Roles: []model.Role{model.RoleSupervisor}, Supervises: []string{"10"},
		})
	}
	e := newEnv(b, cfg, Options{})
	clients := make([]*client, sessions)
	for i := range clients {
		c := e.open(fmt.Sprintf("s%04d", i), "desk")
		c.available()
		c.subscribe(team10, c.sess.JID())
		clients[i] = c
	}
	drain := func() {
		ctx, cancel := context.WithTimeout(context.Background(), patience)
		defer cancel()
		for _, c := range clients {
			for got := false; !got; {
				batch, err := c.sess.Next(ctx)
				if err != nil {
					b.Fatalf("%s: %v", c.sess.JID(), err)
				}
				for _, o := range batch.items {
					got = got || o.event != 0
				}
				c.sess.Written(batch)
			}
		}
	}
	e.signIn("a1", "5000")
	drain()

	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if i%2 == 0 {
			e.ready("a1")
		} else {
			e.notReady("a1", "")
		}
		drain()
	}
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(sessions*b.N)/elapsed.Seconds(), "deliveries/s")
}

// BenchmarkNotificationBody renders the shared part of one notification
// from a User Update of about 1.3 KB.
func BenchmarkNotificationBody(b *testing.B) {
	u := model.User{
		ID: "1001", LoginName: "agent1", FirstName: "Alice", LastName: "Adams & <Co>",
		Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, State: model.StateNotReady,
		StateChangeTime: t0, ReasonCodeID: "1",
		ReasonCode: &model.ReasonCode{ID: "1", Category: model.CategoryNotReady, Code: 1, Label: "Break", ForAll: true},
		Extension:  "3001", MediaType: "1", TeamID: "10", TeamName: "Sales",
		Teams:       []model.TeamRef{{ID: "10", Name: "Sales"}},
		Settings:    model.UserSettings{WrapUpOnIncoming: model.WrapUpOptional, WrapUpOnOutgoing: model.WrapUpOptional},
		WrapUpTimer: 60,
	}
	update := model.Update{
		Event: model.EventPut, RequestID: "5a0e1d6c-3b7f-4c1e-9d2a-8f6b4e2c1a90",
		Source: u.URI(), Data: u.Element("user"),
	}
	payload := model.MarshalIndent(update.Element())
	if n := len(payload); n < 1200 || n > 1500 {
		b.Fatalf("Update of %d bytes, want about 1.3 KB", n)
	}
	item := "a6ca891f-8b34-443f-8c7d-dac020d41838339"
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		notificationBody(u.URI(), item, payload)
	}
}
