//go:build unix

package main

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// TestJSONLogs runs finessed with -log-format json and checks that every
// line it writes, net/http's own included, is one JSON object, and that a
// failed sign-in of 1001 over REST and over XMPP is logged, with what each
// transport knows, as are the XMPP session's opening and end.
func TestJSONLogs(t *testing.T) {
	bin := buildFinessed(t)
	ports := freePorts(t, 3)
	addr := func(i int) string { return "127.0.0.1:" + strconv.Itoa(ports[i]) }
	p := startFinessed(t, bin, "json", ports[0], ports[1], "-log-format", "json",
		"-rest-addr", addr(0), "-xmpp-addr", addr(1), "-rest-tls-addr", addr(2), "-bosh-addr", "", "-bosh-tls-addr", "")
	p.waitReady(t, "1001", "finesse")

	req, _ := http.NewRequest("GET", p.restURL()+"/finesse/api/User/1001", nil)
	req.SetBasicAuth("1001", "wrong")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("GET with a wrong password: %d, want 401", resp.StatusCode)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if c, err := xmpptest.DialTCP(ctx, p.xmppAddr, "localhost", "1001", "wrong"); err == nil {
		c.Close()
		t.Fatal("XMPP sign-in with a wrong password accepted")
	}
	c, err := xmpptest.DialTCP(ctx, p.xmppAddr, "localhost", "1001", "finesse")
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	// Not TLS on the TLS port: net/http logs the failed handshake itself.
	if conn, err := net.Dial("tcp", addr(2)); err == nil {
		conn.Write([]byte("GET / HTTP/1.0\r\n\r\n"))
		conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		conn.Read(make([]byte, 512))
		conn.Close()
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.exited

	var restRefused, xmppRefused, opened, closed, handshake bool
	for _, line := range strings.Split(strings.TrimSpace(p.output.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil || m["level"] == nil || m["msg"] == nil {
			t.Errorf("not a JSON log line: %q", line)
			continue
		}
		msg, _ := m["msg"].(string)
		switch {
		case msg == "sign-in refused" && m["user"] == "1001" && m["reason"] == "wrong password":
			if m["transport"] == "tcp" && m["remote"] != nil {
				xmppRefused = true
			} else {
				restRefused = true
			}
		case msg == "session opened" && m["user"] == "1001" && m["transport"] == "tcp":
			opened = true
		case msg == "session closed" && m["user"] == "1001" && m["reason"] != nil:
			closed = true
		case strings.Contains(msg, "TLS handshake error"):
			handshake = true
		}
	}
	if !restRefused || !xmppRefused || !opened || !closed || !handshake {
		t.Errorf("logged: REST refusal %v, XMPP refusal %v, session opened %v and closed %v, TLS handshake error %v; want all:\n%s",
			restRefused, xmppRefused, opened, closed, handshake, p.output.String())
	}
}

// TestLoggerNamesThisNode: with -redis every line says which node wrote
// it, under a key of its own, so that a line about another node (one
// reaped after it died) is not confused with it.
func TestLoggerNamesThisNode(t *testing.T) {
	var buf strings.Builder
	newLogger(&buf, options{logFormat: "json", redisURL: "redis://127.0.0.1:6379/0", nodeID: "a"}).
		Info("cleared up after a dead node", "node", "b")
	var m map[string]any
	if err := json.Unmarshal([]byte(buf.String()), &m); err != nil || m["thisNode"] != "a" || m["node"] != "b" {
		t.Errorf("logged %q (%v), want thisNode a and node b", buf.String(), err)
	}
	if strings.Count(buf.String(), `"node"`) != 1 {
		t.Errorf("a key repeated: %s", buf.String())
	}
}
