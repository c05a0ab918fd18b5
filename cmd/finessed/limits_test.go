package main

import (
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"
)

// TestMaxHTTPConns: past -max-http-conns a connection is closed as soon as
// it is accepted, and counted under its listener.
func TestMaxHTTPConns(t *testing.T) {
	opts := loopback()
	opts.metricsAddr, opts.maxHTTPConn = "127.0.0.1:0", 1
	srv := startServer(t, opts)
	addr := strings.TrimPrefix(srv.url("rest"), "http://")
	held, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	// The held connection has its place once a request on it is answered.
	if _, err := io.WriteString(held, "GET /finesse/api/SystemInfo HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	held.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := held.Read(make([]byte, 512)); err != nil {
		t.Fatal(err)
	}

	extra, err := net.DialTimeout("tcp", addr, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer extra.Close()
	extra.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := extra.Read(make([]byte, 1)); !errors.Is(err, io.EOF) {
		t.Fatalf("the connection past the cap read %d, %v; want it closed", n, err)
	}
	_, body := call(t, "GET", srv.url("metrics")+"/metrics", "", "")
	if !strings.Contains(body, `finesse_connections_refused_total{listener="rest"} 1`) {
		t.Errorf("refusal not counted:\n%s", grep(body, "finesse_connections"))
	}
	if !strings.Contains(body, "# TYPE finesse_accept_errors_total counter") {
		t.Errorf("no accept error counter:\n%s", grep(body, "finesse_accept"))
	}
}

// grep is the lines of s that contain substr.
func grep(s, substr string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if strings.Contains(line, substr) {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}
