//go:build darwin || linux || openbsd

package c2s

import (
	"crypto/tls"
	"io"
	"net"
	"testing"

	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/negotiate"
)

// A session on a plain TCP connection gets a direct write whatever wraps
// the socket on the way from the listener (the count of open connections,
// the stanza limit); one over TLS does not.
func TestNewDirect(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	l := NewListener(ln, "test")
	server, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	if _, ok := server.(*trackedConn); !ok {
		t.Fatalf("the listener accepted a %T; this test wants its wrapper", server)
	}
	limited := &negotiate.LimitConn{Conn: server}
	if newDirect(limited) == nil {
		t.Errorf("no direct write for a LimitConn over the listener's connection")
	}
	if newDirect(server) == nil {
		t.Errorf("no direct write for the listener's connection")
	}
	if newDirect(tls.Server(limited, &tls.Config{})) != nil {
		t.Errorf("a direct write for a TLS connection")
	}

	// What it writes reaches the client.
	d := newDirect(limited)
	n, err := d.TryWrite(xmpp.NewBatch([]byte("<a/>"), []byte("<b/>")))
	if err != nil || n != 8 {
		t.Fatalf("TryWrite = %d, %v", n, err)
	}
	buf := make([]byte, 8)
	if _, err := io.ReadFull(client, buf); err != nil || string(buf) != "<a/><b/>" {
		t.Fatalf("the client read %q, %v", buf, err)
	}
}
