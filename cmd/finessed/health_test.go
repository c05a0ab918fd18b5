package main

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// failing is a listener whose accepts fail, or not.
type failing bool

func (f failing) Failing() bool { return bool(f) }

// TestReadiness: /readyz is 503 until started, while out of service, while
// a listener's accepts fail or after one stopped, and once shutting down;
// each reason is named.
func TestReadiness(t *testing.T) {
	inService := true
	h := &health{inService: func() bool { return inService }, accepting: []acceptor{{"rest", failing(false)}}}
	ready := func(want int, reason string) {
		t.Helper()
		rec := httptest.NewRecorder()
		h.serveReady(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code != want || !strings.Contains(rec.Body.String(), reason) {
			t.Errorf("/readyz: %d %q, want %d naming %q", rec.Code, rec.Body.String(), want, reason)
		}
	}
	ready(503, "starting")
	h.started.Store(true)
	ready(200, "ready")
	inService = false
	ready(503, "out of service")
	inService = true
	h.accepting = append(h.accepting, acceptor{"xmpp", failing(true)})
	ready(503, "xmpp: accepts are failing")
	h.accepting = h.accepting[:1]
	h.stop("bosh", errors.New("accept: closed"))
	ready(503, "bosh stopped: accept: closed")
	h.stopped = nil
	ready(200, "ready")
	h.stopping.Store(true)
	ready(503, "shutting down")
}

// TestReadyzOnTheServer: the server answers /readyz 503 before start has
// finished and 200 after, beside /healthz, and 503 once shutdown begins.
func TestReadyzOnTheServer(t *testing.T) {
	srv, err := newServer(withNotify())
	if err != nil {
		t.Fatal(err)
	}
	get := func(h http.Handler, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		return rec.Code
	}
	rest := srv.listeners[0].handler
	if code := get(rest, "/readyz"); code != 503 {
		t.Errorf("/readyz before start: %d, want 503", code)
	}
	if code := get(rest, "/healthz"); code != 200 {
		t.Errorf("/healthz before start: %d, want 200", code)
	}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	base := srv.url("rest")
	if status, body := call(t, "GET", base+"/readyz", "", ""); status != 200 || body != "ready\n" {
		t.Errorf("/readyz: %d %q", status, body)
	}
	if len(srv.health.accepting) != len(srv.listeners)+1 {
		t.Errorf("readiness watches %d listeners, want %d and xmpp", len(srv.health.accepting), len(srv.listeners))
	}
	if err := srv.shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if code := get(rest, "/readyz"); code != 503 {
		t.Errorf("/readyz after shutdown: %d, want 503", code)
	}
}
