package netconn

import (
	"crypto/tls"
	"net"
	"testing"
)

type outer struct{ net.Conn }

func (o outer) NetConn() net.Conn { return o.Conn }

type opaque struct{ net.Conn }

func TestUnder(t *testing.T) {
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	inner := &opaque{a}
	if got, ok := Under[*opaque](outer{tls.Client(outer{inner}, &tls.Config{})}); !ok || got != inner {
		t.Errorf("Under through TLS and two wrappers = %v, %v; want the inner connection", got, ok)
	}
	if _, ok := Under[*tls.Conn](outer{inner}); ok {
		t.Errorf("found a TLS connection where there is none")
	}
	if _, ok := Under[*opaque](opaque{outer{inner}}); ok {
		t.Errorf("looked through a wrapper that does not name what it wraps")
	}
}
