package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/loadgen"
)

// BenchmarkLoad is a short finesse load run against this server in
// process, on the demo directory: 300 sessions of supervisor 2001, over
// TCP, BOSH and WebSocket in turn, watch team 10 while its five agents
// change state 100 times a second for 3 s. It reports what the load
// generator measures; one run, whatever b.N (-benchtime 1x).
func BenchmarkLoad(b *testing.B) {
	// The server logs through the default logger; the table is the output.
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.DiscardHandler))
	opts := withNotify()
	srv, err := newServer(opts)
	if err != nil {
		b.Fatal(err)
	}
	if err := srv.start(); err != nil {
		b.Fatal(err)
	}
	defer srv.shutdown(context.Background())
	cfg := loadgen.Config{
		REST: srv.url("rest"), XMPP: srv.xmppAddr, BOSH: srv.url("bosh") + "/http-bind",
		WebSocket: "ws" + strings.TrimPrefix(srv.url("bosh"), "http") + "/ws",
		Domain:    "localhost", Password: "finesse",
		NotReadyReason: "1", LogoutReason: "4",
		Rate: 100, Duration: 3 * time.Second, Drain: 10 * time.Second,
		ServerPID: os.Getpid(),
	}
	for i := range 300 {
		tr := loadgen.Transports[i%len(loadgen.Transports)]
		cfg.Sessions = append(cfg.Sessions, loadgen.SessionSpec{User: "2001", Transport: tr, Subscribe: []string{loadgen.TeamNode("10")}})
	}
	for i := range 5 {
		cfg.Agents = append(cfg.Agents, loadgen.AgentSpec{ID: fmt.Sprint(1001 + i), Extension: fmt.Sprint(3001 + i), Team: "10"})
	}
	b.ResetTimer()
	res, err := loadgen.Run(context.Background(), cfg, nil)
	b.StopTimer()
	if err != nil {
		b.Fatal(err)
	}
	if testing.Verbose() {
		res.WriteTable(os.Stderr)
	}
	b.ReportMetric(res.DeliveredPerSecond(), "notifications/s")
	b.ReportMetric(float64(len(res.Lost)), "lost")
	for tr, l := range res.Notify {
		b.ReportMetric(float64(l.P99.Microseconds())/1000, "p99-ms-"+tr)
	}
	b.ReportMetric(float64(res.REST.P99.Microseconds())/1000, "p99-ms-PUT")
}
