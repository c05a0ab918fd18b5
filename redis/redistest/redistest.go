// Package redistest starts a Redis for tests: a real redis-server when
// one is on PATH, an in-process Redis-protocol server (miniredis)
// otherwise, so that tests run on a fresh machine. With
// FINESSE_REQUIRE_REDIS=1 a missing redis-server fails the test instead,
// which is how CI makes sure the real thing was used.
package redistest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"
)

// Server is one Redis started for a test and stopped after it.
type Server struct {
	// Addr is host:port to connect to.
	Addr string
	// Real reports whether it is a redis-server process.
	Real bool

	tb   testing.TB
	dir  string
	port int
	cmd  *exec.Cmd
	mini *miniredis.Miniredis
}

// Start starts a Redis for tb, persistent (appendonly) when it is a real
// redis-server, and stops it when tb ends.
func Start(tb testing.TB) *Server {
	tb.Helper()
	path, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("FINESSE_REQUIRE_REDIS") == "1" {
			tb.Fatalf("FINESSE_REQUIRE_REDIS=1 but no redis-server on PATH: %v", err)
		}
		m := miniredis.RunT(tb)
		return &Server{Addr: m.Addr(), tb: tb, mini: m}
	}
	s := &Server{Real: true, tb: tb, dir: tb.TempDir(), port: freePort(tb)}
	s.Addr = net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
	s.startProcess(path)
	tb.Cleanup(s.Stop)
	return s
}

// Client returns a client of s, closed when the test ends.
func (s *Server) Client() *goredis.Client {
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr})
	s.tb.Cleanup(func() { c.Close() })
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
func (s *Server) Restart() {
	s.tb.Helper()
	if s.mini != nil {
		if err := s.mini.Restart(); err != nil {
			s.tb.Fatalf("restart miniredis: %v", err)
		}
		return
	}
	path, err := exec.LookPath("redis-server")
	if err != nil {
		s.tb.Fatal(err)
	}
	s.startProcess(path)
}

func (s *Server) startProcess(path string) {
	s.tb.Helper()
	s.cmd = exec.Command(path, "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "", "--protected-mode", "no")
	s.cmd.Stdout, s.cmd.Stderr = nil, nil
	if err := s.cmd.Start(); err != nil {
		s.tb.Fatalf("start redis-server: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err == nil {
			fmt.Fprintf(c, "PING\r\n")
			buf := make([]byte, 7)
			c.SetReadDeadline(time.Now().Add(time.Second))
			n, _ := c.Read(buf)
			c.Close()
			if string(buf[:n]) == "+PONG\r\n" {
				return
			}
		}
		if time.Now().After(deadline) {
			s.tb.Fatalf("redis-server in %s did not answer on %s", filepath.Base(s.dir), s.Addr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func freePort(tb testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
