package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/c2s"
)

// tlsFront is a live server as one with a self-signed certificate serves
// it: REST, BOSH and WebSocket over HTTPS, and XMPP over TCP offering
// STARTTLS, which a relay watches so that a test can tell what a client
// sent in the clear.
type tlsFront struct {
	rest, notify string // https://host:port
	xmpp         string // host:port, through the relay
	relay        *clearText
}

func startTLSFront(t *testing.T, srv liveServer) tlsFront {
	t.Helper()
	rest := httptest.NewTLSServer(proxyTo(t, srv.rest))
	t.Cleanup(rest.Close)
	notify := httptest.NewTLSServer(proxyTo(t, srv.notify))
	t.Cleanup(notify.Close)

	// A notification service of its own on the server's engine, as a
	// second node reading the same event log, whose XMPP listener offers
	// STARTTLS with the same self-signed certificate.
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	t.Cleanup(func() { cancel(); wg.Wait() })
	svc := xmpp.NewService(srv.eng, xmpp.Options{})
	wg.Go(func() { svc.Run(ctx) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	wg.Go(func() { (&c2s.Server{Service: svc, TLS: rest.TLS.Clone()}).Serve(ctx, ln) })
	relay := relayTo(t, ln.Addr().String())
	return tlsFront{rest: rest.URL, notify: notify.URL, xmpp: relay.addr, relay: relay}
}

// flags point a subcommand at f, its desktops connecting over transport
// (over TLS: STARTTLS, wss:// or https://).
func (f tlsFront) flags(transport string) []string {
	return []string{
		"-rest", f.rest,
		"-xmpp", f.xmpp, "-starttls",
		"-ws", "wss" + strings.TrimPrefix(f.notify, "https") + "/ws",
		"-bosh", f.notify + "/http-bind",
		"-transport", transport,
	}
}

func proxyTo(t *testing.T, base string) http.Handler {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return httputil.NewSingleHostReverseProxy(u)
}

// clearText relays TCP connections to a server and keeps what clients
// sent.
type clearText struct {
	addr string
	*syncBuffer
}

func relayTo(t *testing.T, server string) *clearText {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c := &clearText{addr: ln.Addr().String(), syncBuffer: newSyncBuffer()}
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer client.Close()
				up, err := net.Dial("tcp", server)
				if err != nil {
					return
				}
				defer up.Close()
				go func() { io.Copy(client, up); client.Close() }()
				io.Copy(io.MultiWriter(up, c), client)
			})
		}
	})
	return c
}

// Over HTTPS with a self-signed certificate, agents and call refuse the
// certificate, saying -insecure accepts it, and with -insecure work.
func TestInsecureREST(t *testing.T) {
	srv := startLiveServer(t)
	front := startTLSFront(t, srv)
	for _, args := range [][]string{
		{"agents", "-rest", front.rest},
		{"call", "-rest", front.rest, "-queue", "100"},
	} {
		var out, errs bytes.Buffer
		code := dispatch(args, &out, &errs)
		if code != 1 || !strings.Contains(errs.String(), "certificate") || !strings.HasSuffix(errs.String(), " (-insecure accepts it)\n") {
			t.Errorf("finesse %q: exit %d, stderr %q; want 1 and a certificate refused", args, code, errs.String())
		}
		out.Reset()
		errs.Reset()
		if code := dispatch(append(args, "-insecure"), &out, &errs); code != 0 || out.Len() == 0 {
			t.Errorf("finesse %q -insecure: exit %d, stdout %q, stderr %q", args, code, out.String(), errs.String())
		}
	}
}

// replay runs a scenario over TLS on every transport with -insecure
// (REST over HTTPS; desktops over STARTTLS, wss:// or https:// BOSH), and
// the TCP desktop sends nothing but the stream's opening and STARTTLS in
// the clear; without -insecure the certificate is refused.
func TestReplayOverTLS(t *testing.T) {
	file := writeTemp(t, t.TempDir(), "signin.yaml", passingScenario)
	for _, transport := range desktopTransports {
		t.Run(transport, func(t *testing.T) {
			srv := startLiveServer(t)
			front := startTLSFront(t, srv)
			var out, errs bytes.Buffer
			if err := runReplay(append(front.flags(transport), "-insecure", file), &out, &errs); err != nil {
				t.Fatalf("replay -insecure over %s: %v\n%s", transport, err, out.String())
			}
			if transport == "tcp" {
				clear := front.relay.String()
				if !strings.Contains(clear, "<starttls") || strings.Contains(clear, "<auth") {
					t.Errorf("what the desktop sent in the clear:\n%s", clear)
				}
			}
			out.Reset()
			code := dispatch(append(append([]string{"replay"}, front.flags(transport)...), file), &out, &errs)
			if code != 1 || !strings.Contains(out.String(), "certificate") {
				t.Errorf("replay without -insecure over %s: exit %d\n%s", transport, code, out.String())
			}
		})
	}
}

// load runs over TLS on every transport at once with -insecure, and loses
// nothing.
func TestLoadOverTLS(t *testing.T) {
	srv := startLiveServer(t)
	front := startTLSFront(t, srv)
	var out, errs bytes.Buffer
	args := append(front.flags("mix"), "-insecure", "-sessions", "3", "-rate", "10", "-d", "1s", "-drain", "5s", "-server-pid", "0")
	if err := runLoad(args, &out, &errs); err != nil {
		t.Fatalf("finesse load over TLS: %v\n%s\n%s", err, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "[1 bosh 1 tcp 1 websocket]") || !strings.Contains(out.String(), " 0 lost, 0 duplicated") {
		t.Errorf("the table:\n%s", out.String())
	}
	if clear := front.relay.String(); !strings.Contains(clear, "<starttls") || strings.Contains(clear, "<auth") {
		t.Errorf("what the TCP session sent in the clear:\n%s", clear)
	}
}
