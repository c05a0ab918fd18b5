package redis_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis"
)

// sentinelSet is a master, a replica and a Sentinel watching them, as
// real redis-server processes.
type sentinelSet struct {
	master, replica, sentinel string // host:port
	masterCmd                 *exec.Cmd
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func startRedis(t *testing.T, bin, dir string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	return cmd
}

// startSentinelSet starts the three, and waits until the replica follows
// the master and the Sentinel knows both.
func startSentinelSet(t *testing.T) sentinelSet {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("FINESSE_REQUIRE_REDIS") == "1" {
			t.Fatal("FINESSE_REQUIRE_REDIS=1 but no redis-server on PATH")
		}
		t.Skip("Sentinel needs a real redis-server, and none is on PATH")
	}
	dir := t.TempDir()
	mp, rp, sp := freePort(t), freePort(t), freePort(t)
	s := sentinelSet{master: fmt.Sprint("127.0.0.1:", mp), replica: fmt.Sprint("127.0.0.1:", rp), sentinel: fmt.Sprint("127.0.0.1:", sp)}
	s.masterCmd = startRedis(t, bin, dir, "--port", fmt.Sprint(mp), "--save", "", "--dbfilename", "m.rdb")
	startRedis(t, bin, dir, "--port", fmt.Sprint(rp), "--save", "", "--dbfilename", "r.rdb", "--replicaof", "127.0.0.1", fmt.Sprint(mp))
	conf := filepath.Join(dir, "sentinel.conf")
	os.WriteFile(conf, []byte(fmt.Sprintf("port %d\nsentinel monitor m 127.0.0.1 %d 1\n"+
		"sentinel down-after-milliseconds m 300\nsentinel failover-timeout m 2000\n", sp, mp)), 0o644)
	startRedis(t, bin, dir, conf, "--sentinel")
	ctx := context.Background()
	waitFor(t, "the replica to follow the master", func() bool {
		info, err := goredis.NewClient(&goredis.Options{Addr: s.replica}).Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, "master_link_status:up")
	})
	waitFor(t, "the Sentinel to know the replica", func() bool {
		reps, err := goredis.NewSentinelClient(&goredis.Options{Addr: s.sentinel}).Replicas(ctx, "m").Result()
		return err == nil && len(reps) == 1
	})
	return s
}

// waitFor polls ok until it holds; a guard against a hang, not a timing
// assertion.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited 30 s for %s", what)
}

func sentinelEngine(t *testing.T, s sentinelSet) *acd.Engine {
	t.Helper()
	rdb := goredis.NewFailoverClient(&goredis.FailoverOptions{
		MasterName: "m", SentinelAddrs: []string{s.sentinel},
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond,
	})
	t.Cleanup(func() { rdb.Close() })
	store, err := redis.NewStore(context.Background(), rdb, redis.Options{WaitReplicas: 1, WaitTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	demo, err := config.Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := directory.NewDirectory(demo.Config)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Store: store, Log: store.Log()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(eng.Close)
	return eng
}

// A change acknowledged through Sentinel had reached the replica, so it
// outlives its master killed right after; once the Sentinel has promoted
// the replica, the same client carries on with new changes.
func TestSentinelFailoverKeepsAcknowledged(t *testing.T) {
	s := startSentinelSet(t)
	eng := sentinelEngine(t, s)
	ctx := context.Background()
	agent, _ := eng.Directory().User("1001")
	err := eng.ChangeState(ctx, agent, acd.StateRequest{AgentID: "1001", State: model.StateLogin, Extension: "3001"})
	if err != nil {
		t.Fatal(err)
	}
	s.masterCmd.Process.Kill() // the acknowledgement is all the master gave

	var u model.User
	waitFor(t, "the promoted replica to answer", func() bool {
		u, err = eng.User(ctx, agent, "1001")
		return err == nil
	})
	if u.State != model.StateNotReady || u.Extension != "3001" {
		t.Fatalf("after the failover 1001 is %s on %q, want NOT_READY on 3001", u.State, u.Extension)
	}
	waitFor(t, "a new change after the failover", func() bool {
		err = eng.ChangeState(ctx, agent, acd.StateRequest{AgentID: "1001", State: model.StateReady})
		if err != nil {
			t.Log(err)
		}
		return err == nil || !errors.Is(err, acd.ErrUnavailable)
	})
	if u, _ = eng.User(ctx, agent, "1001"); u.State != model.StateReady {
		t.Fatalf("after a change on the new master 1001 is %s", u.State)
	}
}
