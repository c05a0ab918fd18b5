package rest_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// With an access log, every request is one line: the route template, the
// status and the requestId among what it says; without one, nothing.
func TestAccessLog(t *testing.T) {
	e := newServer(t, demoConfig(t))
	req := func() {
		r := httptest.NewRequest(http.MethodGet, "/finesse/api/User/1001", nil)
		r.SetBasicAuth("1001", password)
		r.Header.Set("requestId", "acc-1")
		e.srv.ServeHTTP(httptest.NewRecorder(), r)
	}
	req()
	var buf bytes.Buffer
	e.srv.LogRequests(slog.New(slog.NewJSONHandler(&buf, nil)))
	req()
	var line struct {
		Msg, Method, Path, Route, RequestID string
		Status                              int
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("access log %q: %v", buf.String(), err)
	}
	if line.Msg != "request" || line.Route != "/finesse/api/User/{id}" || line.Status != 200 || line.RequestID != "acc-1" {
		t.Fatalf("access log line %+v", line)
	}
}
