package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestStalledBodyDropped: a request whose body stops arriving is answered
// and its connection closed once -body-timeout passes, on the REST
// listener and on BOSH's.
func TestStalledBodyDropped(t *testing.T) {
	opts := loopback()
	opts.boshAddr, opts.bodyTimeout = "127.0.0.1:0", 200*time.Millisecond
	srv := startServer(t, opts)
	cases := []struct{ listener, head string }{
		{"rest", "PUT /finesse/api/User/1001 HTTP/1.1\r\nHost: x\r\nAuthorization: Basic MTAwMTpmaW5lc3Nl\r\nContent-Type: application/xml\r\n"},
		{"bosh", "POST /http-bind HTTP/1.1\r\nHost: x\r\n"},
		// Handlers that never read the body: net/http reads it after.
		{"bosh", "PUT /http-bind HTTP/1.1\r\nHost: x\r\n"},
		{"bosh", "POST /elsewhere HTTP/1.1\r\nHost: x\r\n"},
	}
	for _, c := range cases {
		conn, err := net.Dial("tcp", strings.TrimPrefix(srv.url(c.listener), "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, c.head+"Content-Length: 100\r\n\r\n0123456789")
		// A guard against hanging the test, not a measure: the server
		// gives up long before.
		conn.SetReadDeadline(time.Now().Add(time.Minute))
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%s: no answer: %v", c.listener, err)
		}
		resp.Body.Close()
		if n, err := conn.Read(make([]byte, 1)); err != io.EOF {
			t.Errorf("%s: after %d, the connection is still open: read %d, %v", c.listener, resp.StatusCode, n, err)
		}
	}
}
