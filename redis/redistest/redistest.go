// Package redistest starts a Redis for tests: a real redis-server when
// one is on PATH, an in-process Redis-protocol server (miniredis)
// otherwise, so that tests run on a fresh machine. With
// FINESSE_REQUIRE_REDIS=1 a missing redis-server fails the test instead,
// which is how CI makes sure the real thing was used.
//
// A real redis-server syncs its append-only file on every write, so that
// nothing a test saw acknowledged is lost when it is killed; benchmarks that
// compare with a deployment (deploy/compose.yaml: once a second) set
// FINESSE_TEST_REDIS_FSYNC=everysec.
package redistest

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// Server is one Redis started for a test (or a test binary's run).
type Server struct {
	// Addr is host:port to connect to.
	Addr string
	// Real reports whether it is a redis-server process.
	Real bool

	dir  string
	temp bool // dir is ours to remove when the server stops for good
	port int
	cmd  *exec.Cmd
	mini *miniredis.Miniredis
}

// Start starts a Redis for tb, persistent (appendonly) when it is a real
// redis-server, and stops it when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	s, err := start(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// StartForRun starts a Redis outside any one test, for a whole test
// binary's run (from TestMain, or once on first use); the caller stops it.
func StartForRun() (*Server, error) {
	dir, err := os.MkdirTemp("", "redistest")
	if err != nil {
		return nil, err
	}
	s, err := start(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.temp = true
	return s, nil
}

// Close stops a server from StartForRun for good and removes its files.
func (s *Server) Close() {
	s.Stop()
	if s.temp {
		os.RemoveAll(s.dir)
	}
}

func start(dir string) (*Server, error) {
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("FINESSE_REQUIRE_REDIS") == "1" {
			return nil, fmt.Errorf("FINESSE_REQUIRE_REDIS=1 but no redis-server on PATH: %w", err)
		}
		m := miniredis.NewMiniRedis()
		if err := m.Start(); err != nil {
			return nil, fmt.Errorf("start miniredis: %w", err)
		}
		return &Server{Addr: m.Addr(), mini: m}, nil
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	s := &Server{Real: true, dir: dir, port: port, Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))}
	return s, s.startProcess(path)
}

// Client returns a client of s, closed when tb ends.
func (s *Server) Client(tb testing.TB) *goredis.Client {
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr})
	tb.Cleanup(func() { c.Close() })
	return c
}

// URL is the -redis flag value naming s.
func (s *Server) URL() string { return "redis://" + s.Addr + "/0" }

// Stop stops the server; a real one keeps its data on disk for Restart.
func (s *Server) Stop() {
	if s.mini != nil {
		s.mini.Close()
		return
	}
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// Restart starts a stopped server again on the same address, with the
// data it had (appendonly) when it is real.
func (s *Server) Restart() error {
	if s.mini != nil {
		// Close cancelled the context miniredis ends blocking commands
		// with, and Restart does not renew it (v2.40.0): without a fresh
		// one every XREAD BLOCK after the restart hangs.
		s.mini.Ctx, s.mini.CtxCancel = context.WithCancel(context.Background())
		return s.mini.Restart()
	}
	path, err := exec.LookPath("redis-server")
	if err != nil {
		return err
	}
	return s.startProcess(path)
}

func (s *Server) startProcess(path string) error {
	fsync := os.Getenv("FINESSE_TEST_REDIS_FSYNC")
	if fsync == "" {
		fsync = "always"
	}
	s.cmd = exec.Command(path, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--appendonly", "yes", "--appendfsync", fsync, "--save", "", "--protected-mode", "no")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server: %w", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !s.answers() {
		if time.Now().After(deadline) {
			s.Stop()
			return fmt.Errorf("redis-server in %s did not answer on %s", s.dir, s.Addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return nil
}

// answers reports whether the server answers PING.
func (s *Server) answers() bool {
	c, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	fmt.Fprintf(c, "PING\r\n")
	buf := make([]byte, 7)
	c.SetReadDeadline(time.Now().Add(time.Second))
	n, _ := c.Read(buf)
	return string(buf[:n]) == "+PONG\r\n"
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
