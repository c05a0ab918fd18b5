package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestBOSHOverH2C: the cleartext BOSH listener answers a session request
// sent over HTTP/2 with prior knowledge, and still speaks HTTP/1.1.
func TestBOSHOverH2C(t *testing.T) {
	srv := startServer(t, withNotify())
	const create = `<body rid='1' to='localhost' wait='10' hold='1' ver='1.6' xmlns='http://jabber.org/protocol/httpbind' xmlns:xmpp='urn:xmpp:xbosh' xmpp:version='1.0'/>`
	h2c := &http.Transport{Protocols: new(http.Protocols)}
	h2c.Protocols.SetUnencryptedHTTP2(true)
	defer h2c.CloseIdleConnections()
	for name, client := range map[string]*http.Client{"h2c": {Transport: h2c}, "http/1.1": {}} {
		resp, err := client.Post(srv.url("bosh")+"/http-bind", "text/xml; charset=utf-8", strings.NewReader(create))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		wantMajor := map[string]int{"h2c": 2, "http/1.1": 1}[name]
		if resp.StatusCode != 200 || resp.ProtoMajor != wantMajor || !strings.Contains(string(body), "sid=") || !strings.Contains(string(body), "PLAIN") {
			t.Errorf("%s: %s %d\n%s", name, resp.Proto, resp.StatusCode, body)
		}
	}
}

// TestWebSocketOverH2CRefused: /ws on the same listener answers an HTTP/2
// request with a plain error; the upgrade needs HTTP/1.1.
func TestWebSocketOverH2CRefused(t *testing.T) {
	srv := startServer(t, withNotify())
	h2c := &http.Transport{Protocols: new(http.Protocols)}
	h2c.Protocols.SetUnencryptedHTTP2(true)
	defer h2c.CloseIdleConnections()
	resp, err := (&http.Client{Transport: h2c}).Get(srv.url("bosh") + "/ws")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "HTTP/1.1") {
		t.Errorf("GET /ws over h2c: %s %d %s", resp.Proto, resp.StatusCode, body)
	}
}
