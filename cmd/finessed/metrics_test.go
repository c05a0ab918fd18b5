package main

import (
	"bufio"
	"strconv"
	"strings"
	"testing"

	"github.com/finessed/finessed/redis/redistest"
)

// scrape returns /metrics' samples as "name{labels}" -> value.
func scrape(t *testing.T, base string) map[string]float64 {
	t.Helper()
	status, body := call(t, "GET", base+"/metrics", "", "")
	if status != 200 {
		t.Fatalf("/metrics: %d", status)
	}
	samples := map[string]float64{}
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("/metrics line %q: %v", line, err)
		}
		samples[line[:i]] = v
	}
	return samples
}

// TestStateGauges: the gauges computed at scrape time count agents by
// state (the directory's agents never signed in as LOGOUT), calls waiting
// by queue (every configured queue, 0 when none waits), sessions by
// transport, and report the node in service and holding the lease.
func TestStateGauges(t *testing.T) {
	srv := startServer(t, withNotify())
	base := srv.url("rest")
	putState(t, base, "1001", "1001", "<User><state>LOGIN</state><extension>3001</extension></User>", "")
	putState(t, base, "1001", "1001", "<User><state>READY</state></User>", "")
	putState(t, base, "1006", "1006", "<User><state>LOGIN</state><extension>3006</extension></User>", "")
	if status, body := call(t, "POST", base+"/acd/Calls", "admin", "<Call><queue>300</queue><ani>5551234</ani></Call>"); status != 201 {
		t.Fatalf("inject a call: %d %s", status, body)
	}
	if status, body := call(t, "POST", base+"/acd/Calls", "admin", "<Call><queue>200</queue><ani>5551235</ani></Call>"); status != 201 {
		t.Fatalf("inject a call: %d %s", status, body)
	}
	agents := 0
	for _, u := range srv.engine.Directory().Users() {
		if u.IsAgent() {
			agents++
		}
	}
	m := scrape(t, base)
	want := map[string]float64{
		`finesse_in_service`:                              1,
		`finesse_lease_holder`:                            1,
		`finesse_agents{state="LOGOUT"}`:                  float64(agents - 2),
		`finesse_agents{state="NOT_READY"}`:               1,
		`finesse_agents{state="RESERVED"}`:                1, // 1001, offered the VIP call
		`finesse_agents{state="READY"}`:                   0,
		`finesse_agents{state="UNKNOWN"}`:                 0,
		`finesse_queue_calls{name="Sales",queue="100"}`:   0,
		`finesse_queue_calls{name="Support",queue="200"}`: 1,
		`finesse_queue_calls{name="VIP",queue="300"}`:     0,
		`finesse_sessions{transport="tcp"}`:               0,
		`finesse_sessions{transport="websocket"}`:         0,
		`finesse_sessions{transport="bosh"}`:              0,
	}
	for k, v := range want {
		if got, ok := m[k]; !ok || got != v {
			t.Errorf("%s = %v (exported: %v), want %v", k, got, ok, v)
		}
	}
	for _, stage := range []string{"dispatched", "delivered"} {
		if _, ok := m[`finesse_event_log_lag{node="local",stage="`+stage+`"}`]; !ok {
			t.Errorf("no finesse_event_log_lag for stage %s", stage)
		}
	}
	if _, ok := m["finesse_redis_roundtrip_seconds_count"]; ok {
		t.Error("Redis round trips reported without Redis")
	}
	// The sign-ins' and the call's events, as the in-memory log holds them.
	if events, bytes := m["finesse_event_log_events"], m["finesse_event_log_bytes"]; events < 3 || bytes < events*200 {
		t.Errorf("the event log holds %v events, %v bytes", events, bytes)
	}
}

// TestRedisRoundTrips: with -redis the heartbeat's round trips are
// observed, and the lag is labelled with the node's id.
func TestRedisRoundTrips(t *testing.T) {
	rds := redistest.Start(t)
	srv := startServer(t, withRedis(rds.URL(), "a"))
	m := scrape(t, srv.url("rest"))
	if n := m["finesse_redis_roundtrip_seconds_count"]; n < 1 {
		t.Errorf("finesse_redis_roundtrip_seconds_count %v, want the start-up heartbeat at least", n)
	}
	if _, ok := m[`finesse_event_log_lag{node="a",stage="dispatched"}`]; !ok {
		t.Error("no finesse_event_log_lag for node a")
	}
}
