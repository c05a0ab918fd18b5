package main

import (
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"
)

// TestTLSOffersOnlyAEAD: a TLS 1.2 client that offers only a CBC suite is
// refused; one offering AES-GCM gets through.
func TestTLSOffersOnlyAEAD(t *testing.T) {
	srv := startServer(t, loopback())
	addr := strings.TrimPrefix(srv.url("rest-tls"), "https://")
	dial := func(suite uint16) error {
		d := &net.Dialer{Timeout: 10 * time.Second}
		conn, err := tls.DialWithDialer(d, "tcp", addr, &tls.Config{
			InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12, CipherSuites: []uint16{suite},
		})
		if err == nil {
			conn.Close()
		}
		return err
	}
	for _, suite := range []uint16{
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
	} {
		if err := dial(suite); err == nil {
			t.Errorf("%s: handshake succeeded", tls.CipherSuiteName(suite))
		}
	}
	if err := dial(tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256); err != nil {
		t.Errorf("AES-GCM: %v", err)
	}
}
