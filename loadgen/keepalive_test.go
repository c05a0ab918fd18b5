package loadgen

import (
	"bufio"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// countingSession counts keep-alives and signals each.
type countingSession struct {
	session
	n    atomic.Int64
	sent chan struct{}
}

func (s *countingSession) keepAlive() error {
	s.n.Add(1)
	select {
	case s.sent <- struct{}{}:
	default:
	}
	return nil
}

func (s *countingSession) close() {}

func TestKeepAliveWalksTheSessions(t *testing.T) {
	r := newRun(Config{})
	a := &countingSession{sent: make(chan struct{}, 1)}
	b := &countingSession{sent: make(chan struct{}, 1)}
	r.slots = []slot{{s: a}, {}, {s: b}} // the middle one is away
	r.startKeepAlive(time.Millisecond)
	for _, s := range []*countingSession{a, b} {
		select {
		case <-s.sent:
		case <-time.After(10 * time.Second): // a hang guard only
			t.Fatal("a session was never kept alive")
		}
	}
	r.tearDown() // waits for the keeper to end

}

func TestRawKeepAliveIsWhitespace(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	defer server.Close()
	s := &rawSession{conn: client}
	go s.keepAlive()
	c, err := bufio.NewReader(server).ReadByte()
	if err != nil || c != ' ' {
		t.Fatalf("read %q, %v; want a space", c, err)
	}
}
