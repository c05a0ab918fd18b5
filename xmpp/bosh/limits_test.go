package bosh

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// counter is a counter and a way to read it without another dependency.
func counter(t *testing.T) (prometheus.Counter, func() float64) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "c"})
	reg.MustRegister(c)
	return c, func() float64 {
		families, err := reg.Gather()
		if err != nil || len(families) != 1 {
			t.Fatalf("gather: %v", err)
		}
		return families[0].GetMetric()[0].GetCounter().GetValue()
	}
}

// A session that polls but never signs in is ended all the same.
func TestNegotiationTimeout(t *testing.T) {
	expired, expiredCount := counter(t)
	e := newEnv(t, func(h *Handler) {
		h.NegotiationTimeout, h.MaxWait, h.Expired = 100*time.Millisecond, 500*time.Millisecond, expired
	})
	c := e.client("/http-bind")
	c.create("")
	var b = c.send("", "")
	for b.SelectAttrValue("type", "") != "terminate" {
		b = c.send("", "") // an empty answer after wait: poll again
	}
	if b.SelectAttrValue("condition", "") != "remote-stream-error" || b.FindElement("error/connection-timeout") == nil {
		t.Fatalf("terminated with %s", render(b))
	}
	if n := expiredCount(); n != 1 {
		t.Errorf("expired counted %v, want 1", n)
	}
	if e.session(c.sid) != nil {
		t.Error("the sid is still known")
	}
}

// Binding takes a session out of the negotiation's reach.
func TestBoundSessionOutlivesNegotiation(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	c.login("1001", "desk")
	s := e.session(c.sid)
	s.negotiationExpired() // as if its timer had fired late
	s.mu.Lock()
	ended := s.end != nil
	s.mu.Unlock()
	if ended {
		t.Fatal("a bound session was ended by the negotiation timeout")
	}
	e.h.mu.Lock()
	defer e.h.mu.Unlock()
	if len(e.h.unbound) != 0 {
		t.Errorf("unbound sessions by address: %v, want none", e.h.unbound)
	}
}

func TestMaxUnboundPerAddress(t *testing.T) {
	refused, refusedCount := counter(t)
	e := newEnv(t, func(h *Handler) { h.MaxUnboundPerAddress, h.Refused = 2, refused })
	e.client("/http-bind").login("1001", "desk") // bound: not counted
	first := e.client("/http-bind")
	first.create("")
	e.client("/http-bind").create("")
	res := e.client("/http-bind").post("<body rid='1' to='localhost' xmlns='" + NSHTTPBind + "'/>")
	if res.err != nil || res.body.SelectAttrValue("condition", "") != "policy-violation" {
		t.Fatalf("past the cap: %q %v", res.raw, res.err)
	}
	if n := refusedCount(); n != 1 {
		t.Errorf("refused counted %v, want 1", n)
	}
	// An ended session gives its place back.
	first.send(" type='terminate'", "")
	e.client("/http-bind").create("")
}

// A body that stops arriving is given up, and its connection with it.
func TestStalledBody(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.BodyTimeout = 100 * time.Millisecond })
	conn, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n<body rid=")
	// Only a guard against hanging the test: the server answers long
	// before.
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestTimeout {
		t.Errorf("status %d, want 408", resp.StatusCode)
	}
	if n, err := conn.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("connection still open: read %d, %v", n, err)
	}
}

// The body's deadline is lifted once it has arrived: a held request
// outlives it and is answered at the end of wait.
func TestHeldRequestOutlivesBodyTimeout(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.BodyTimeout, h.MaxWait = 50*time.Millisecond, time.Second })
	c := e.client("/http-bind")
	c.create("")
	if b := c.send("", ""); b.SelectAttrValue("type", "") == "terminate" || len(b.ChildElements()) != 0 {
		t.Fatalf("held poll: %s", render(b))
	}
}
