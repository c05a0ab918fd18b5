package main

import (
	"bytes"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/internal/livetest"
)

// desktopTransports are the ways the subcommands' desktops connect
// (their -transport).
var desktopTransports = []string{"tcp", "websocket", "bosh"}

// liveServer is an in-process finessed (package livetest) as the
// subcommands' tests address it.
type liveServer struct {
	rest   string // http://host:port
	xmpp   string // host:port
	notify string // http://host:port, serving /ws and /http-bind
	eng    *acd.Engine
}

func startLiveServer(t *testing.T) liveServer {
	t.Helper()
	s := livetest.Start(t)
	return liveServer{rest: s.REST, xmpp: s.XMPP, notify: s.Notify, eng: s.Engine}
}

// flags are the target flags (bindTarget) that point a subcommand at s,
// its desktops connecting over transport.
func (s liveServer) flags(transport string) []string {
	return []string{
		"-rest", s.rest,
		"-xmpp", s.xmpp,
		"-ws", "ws" + strings.TrimPrefix(s.notify, "http") + "/ws",
		"-bosh", s.notify + "/http-bind",
		"-transport", transport,
	}
}

// put makes a Finesse API PUT as user (password finesse) and fails the
// test unless it is accepted (202).
func (s liveServer) put(t *testing.T, path, user, body string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPut, s.rest+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(user, "finesse")
	req.Header.Set("Content-Type", "application/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("PUT %s: %v", path, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("PUT %s as %s: status %d, want 202", path, user, resp.StatusCode)
	}
}

// syncBuffer is an output a subcommand writes from its goroutine while the
// test reads it, and which says when a text first appears in it.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	written chan struct{} // closed and replaced on each write
}

func newSyncBuffer() *syncBuffer { return &syncBuffer{written: make(chan struct{})} }

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.b.Write(p)
	close(s.written)
	s.written = make(chan struct{})
	return n, err
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitFor waits until the buffer holds text, or done is closed (the
// writer has returned), reporting whether it appeared.
func (s *syncBuffer) waitFor(text string, done <-chan struct{}) bool {
	for {
		s.mu.Lock()
		found, written := strings.Contains(s.b.String(), text), s.written
		s.mu.Unlock()
		if found {
			return true
		}
		select {
		case <-written:
		case <-done:
			return strings.Contains(s.String(), text)
		}
	}
}
