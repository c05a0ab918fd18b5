//go:build unix

package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/model"
)

// sentinelTrio is a Redis master, its replica and a Sentinel watching
// them, as real redis-server processes.
type sentinelTrio struct {
	sentinel string // host:port
	master   *exec.Cmd
}

// startSentinelTrio starts the three and waits until the replica follows
// the master and the Sentinel knows it. Without redis-server on PATH the
// test is skipped, or fails under FINESSE_REQUIRE_REDIS=1.
func startSentinelTrio(t *testing.T) sentinelTrio {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("FINESSE_REQUIRE_REDIS") == "1" {
			t.Fatal("FINESSE_REQUIRE_REDIS=1 but no redis-server on PATH")
		}
		t.Skip("Sentinel needs a real redis-server, and none is on PATH")
	}
	dir := t.TempDir()
	ports := freePorts(t, 3)
	mp, rp, sp := strconv.Itoa(ports[0]), strconv.Itoa(ports[1]), strconv.Itoa(ports[2])
	start := func(args ...string) *exec.Cmd {
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server %v: %v", args, err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		return cmd
	}
	trio := sentinelTrio{sentinel: "127.0.0.1:" + sp}
	trio.master = start("--port", mp, "--bind", "127.0.0.1", "--save", "", "--dbfilename", "m.rdb")
	start("--port", rp, "--bind", "127.0.0.1", "--save", "", "--dbfilename", "r.rdb", "--replicaof", "127.0.0.1", mp)
	conf := filepath.Join(dir, "sentinel.conf")
	if err := os.WriteFile(conf, []byte("port "+sp+"\nbind 127.0.0.1\nsentinel monitor m 127.0.0.1 "+mp+" 1\n"+
		"sentinel down-after-milliseconds m 300\nsentinel failover-timeout m 2000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	start(conf, "--sentinel")
	ctx := context.Background()
	replica := goredis.NewClient(&goredis.Options{Addr: "127.0.0.1:" + rp})
	defer replica.Close()
	sentinel := goredis.NewSentinelClient(&goredis.Options{Addr: trio.sentinel})
	defer sentinel.Close()
	until(t, "the replica to follow the master", func() bool {
		info, err := replica.Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, "master_link_status:up")
	})
	until(t, "the Sentinel to know the replica", func() bool {
		reps, err := sentinel.Replicas(ctx, "m").Result()
		return err == nil && len(reps) == 1
	})
	return trio
}

// until polls ok until it holds; a guard against a hang, not a timing
// assertion.
func until(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited 30 s for %s", what)
}

// acked is a state change a node answered 202.
type acked struct {
	agent, requestID string
	state            model.AgentState
}

// changeStream puts agents READY and NOT_READY in turn on one node, each
// change with a requestId of its own, each agent from its own goroutine as
// a desktop would, and keeps what was acknowledged and how many were not.
type changeStream struct {
	api     *restClient
	base    string
	mu      sync.Mutex
	acks    []acked
	refused map[int]int // status (0: no answer) → count
}

// run sends agent's changes until ctx ends, then goes on until one more is
// acknowledged, so that the last change sent for each agent is one that
// was; it gives up on that when final ends.
func (s *changeStream) run(ctx, final context.Context, agent string) {
	client := &http.Client{Timeout: 3 * time.Second}
	for i := 0; final.Err() == nil; i++ {
		state, body := model.StateReady, "<User><state>READY</state></User>"
		if i%2 == 1 {
			state, body = model.StateNotReady, "<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>"
		}
		id := fmt.Sprintf("stream-%s-%d", agent, i)
		req, _ := http.NewRequestWithContext(final, "PUT", s.base+"/finesse/api/User/"+agent, strings.NewReader(body))
		req.SetBasicAuth(agent, s.api.dir.password(agent))
		req.Header.Set("Content-Type", "application/xml")
		req.Header.Set("requestId", id)
		status := 0
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			status = resp.StatusCode
		}
		s.mu.Lock()
		if status == http.StatusAccepted {
			s.acks = append(s.acks, acked{agent, id, state})
		} else {
			s.refused[status]++
		}
		s.mu.Unlock()
		if status == http.StatusAccepted && ctx.Err() != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *changeStream) acknowledged() []acked {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]acked(nil), s.acks...)
}

var requestIDIn = regexp.MustCompile(`<requestId>([^<]*)</requestId>`)

// seenRequests are the requestIds of the notifications r received on node.
func (r *recorder) seenRequests(node string) map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for _, n := range r.got {
		if n.Node == node && n.Update.RequestID != "" {
			out[n.Update.RequestID] = true
		}
	}
	return out
}

// TestSentinelFailoverUnderAStreamOfChanges runs two nodes on a Redis
// master behind a Sentinel, with four agents' desktops on node b and a
// supervisor watching their team on node a, while the agents change state
// through node a about 150 times a second; the master is SIGKILLed in the
// middle of it. Every change node a acknowledged is in the event stream
// the promoted replica holds, each agent ends in the state of its last
// acknowledged change, and every desktop received the event of every
// acknowledged change it watches, and none received an event for a change
// the failover lost: nothing acknowledged is lost, nothing is lost at the
// desktops, and nothing is shown there that did not happen.
func TestSentinelFailoverUnderAStreamOfChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Redis master, replica and Sentinel and two finessed processes")
	}
	trio := startSentinelTrio(t)
	cfgPath, dir := failoverConfig(t)
	bin := buildFinessed(t)
	ports := freePorts(t, 4)
	restA, xmppA, restB, xmppB := ports[0], ports[1], ports[2], ports[3]
	nodeArgs := func(id string, rest, xmpp, peerRest int) []string {
		return []string{
			"-config", cfgPath, "-redis-sentinel", trio.sentinel, "-redis-master", "m", "-node-id", id,
			"-peer", "127.0.0.1:" + strconv.Itoa(peerRest),
			"-rest-addr", "127.0.0.1:" + strconv.Itoa(rest), "-xmpp-addr", "127.0.0.1:" + strconv.Itoa(xmpp),
			"-rest-tls-addr", "", "-bosh-addr", "", "-bosh-tls-addr", "", "-log-level", "warn",
		}
	}
	nodeA := startFinessed(t, bin, "a", restA, xmppA, nodeArgs("a", restA, xmppA, restB)...)
	nodeB := startFinessed(t, bin, "b", restB, xmppB, nodeArgs("b", restB, xmppB, restA)...)
	nodeA.waitReady(t, dir.agent, dir.password(dir.agent))
	nodeB.waitReady(t, dir.agent, dir.password(dir.agent))
	api := &restClient{t: t, dir: dir}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()

	agents := []string{"1001", "1002", "1003", "1004"}
	teamNode := "/finesse/api/Team/" + dir.team + "/Users"
	supervisor := newRecorder("supervisor " + dir.supervisor)
	sup := dialDesktop(t, ctx, nodeA.xmppAddr, dir.supervisor, dir.password(dir.supervisor))
	supervisor.pump(t, sup)
	if reply, err := sup.Subscribe(ctx, teamNode); err != nil || !strings.Contains(reply, "subscribed") {
		t.Fatalf("supervisor subscribes to %s on node a: %v %s", teamNode, err, reply)
	}
	desks := map[string]*recorder{}
	for i, agent := range agents {
		if dir.password(agent) == "" {
			t.Fatalf("the demo directory has no agent %s", agent)
		}
		desks[agent] = newRecorder("agent " + agent)
		desks[agent].pump(t, dialDesktop(t, ctx, nodeB.xmppAddr, agent, dir.password(agent)))
		ext := strconv.Itoa(3001 + i)
		api.put(nodeA.restURL()+"/finesse/api/User/"+agent, agent, "<User><state>LOGIN</state><extension>"+ext+"</extension></User>", "stream-login-"+agent)
		desks[agent].wait(t, ctx, "NOT_READY after LOGIN", 0, userIn("/finesse/api/User/"+agent, model.StateNotReady))
	}

	stream := &changeStream{api: api, base: nodeA.restURL(), refused: map[int]int{}}
	sending, stop := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, agent := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stream.run(sending, ctx, agent)
		}()
	}
	until(t, "100 acknowledged changes before the kill", func() bool { return len(stream.acknowledged()) >= 100 })
	before := len(stream.acknowledged())
	killed := time.Now()
	trio.master.Process.Kill()
	until(t, "100 acknowledged changes after the kill", func() bool { return len(stream.acknowledged()) >= before+100 })
	stop()
	wg.Wait()
	acks := stream.acknowledged()
	t.Logf("%d changes acknowledged (%d before the kill), refused: %v; the stream ran %v past the kill",
		len(acks), before, stream.refused, time.Since(killed).Round(time.Millisecond))

	for status := range stream.refused {
		if status != 0 && status != http.StatusServiceUnavailable {
			t.Errorf("changes answered %d: only 503 (Redis unavailable) or no answer may refuse one here", status)
		}
	}

	// Every acknowledged change is in the stream of the promoted master.
	rdb := goredis.NewFailoverClient(&goredis.FailoverOptions{MasterName: "m", SentinelAddrs: []string{trio.sentinel}})
	defer rdb.Close()
	_, events := readEvents(t, ctx, rdb)
	stored := map[string]bool{}
	for _, ev := range events {
		if m := requestIDIn.FindStringSubmatch(ev.text); m != nil {
			stored[m[1]] = true
		}
	}
	last := map[string]acked{}
	var lost []string
	for _, a := range acks {
		last[a.agent] = a
		if !stored[a.requestID] {
			lost = append(lost, a.requestID)
		}
	}
	if len(lost) > 0 {
		t.Errorf("%d acknowledged changes are not in the promoted master's stream: %v", len(lost), lost)
	}
	for _, agent := range agents {
		if u := api.user(nodeB.restURL(), agent); u.State != last[agent].state {
			t.Errorf("agent %s is %s after the failover; its last acknowledged change (%s) made it %s",
				agent, u.State, last[agent].requestID, last[agent].state)
		}
	}

	// Every desktop received every acknowledged change it watches.
	missing := func() (int, string) {
		n, first := 0, ""
		for _, agent := range agents {
			mine := desks[agent].seenRequests("/finesse/api/User/" + agent)
			team := supervisor.seenRequests(teamNode)
			for _, a := range acks {
				if a.agent != agent {
					continue
				}
				for who, seen := range map[string]map[string]bool{"agent " + agent: mine, "supervisor": team} {
					if !seen[a.requestID] {
						n++
						first = who + " lacks " + a.requestID
					}
				}
			}
		}
		return n, first
	}
	for n, first := missing(); n > 0; n, first = missing() {
		select {
		case <-ctx.Done():
			t.Fatalf("%d notifications of acknowledged changes never reached their desktops (%s)", n, first)
		case <-time.After(100 * time.Millisecond):
		}
	}

	// No desktop received an event for a change the failover then lost
	// (committed on the master, not yet on the replica): nodes deliver
	// only what a replica has.
	var ghosts []string
	ghostsIn := func(who string, seen map[string]bool) {
		for id := range seen {
			if strings.HasPrefix(id, "stream-") && !stored[id] {
				ghosts = append(ghosts, who+" got "+id)
			}
		}
	}
	ghostsIn("supervisor", supervisor.seenRequests(teamNode))
	for _, agent := range agents {
		ghostsIn("agent "+agent, desks[agent].seenRequests("/finesse/api/User/"+agent))
	}
	if len(ghosts) > 0 {
		t.Errorf("%d events reached desktops for changes the failover lost: %v", len(ghosts), ghosts)
	}
}
