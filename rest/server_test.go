package rest_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/finessed/finessed/rest"
)

func TestHead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, path := range []string{"/finesse/api/User/1001", "/finesse/api/SystemInfo", "/finesse/api/User/1001/Queues"} {
		get := e.get("1001", path)
		wantStatus(t, get, http.StatusOK)
		head := e.do(http.MethodHead, "1001", path, "")
		wantStatus(t, head, http.StatusOK)
		if len(head.body) != 0 {
			t.Errorf("HEAD %s: body %q, want none", path, head.body)
		}
		// A client uses HEAD to learn what GET would send.
		if got, want := head.header.Get("Content-Length"), strconv.Itoa(len(get.body)); got != want {
			t.Errorf("HEAD %s: Content-Length %s, want %s", path, got, want)
		}
		if ct := head.header.Get("Content-Type"); ct != "application/xml" {
			t.Errorf("HEAD %s: Content-Type %q", path, ct)
		}
	}
	// HEAD needs credentials like GET.
	wantStatus(t, e.do(http.MethodHead, "", "/finesse/api/User/1001", ""), http.StatusUnauthorized)
}

func TestHandlerPanic(t *testing.T) {
	t.Parallel()

	t.Run("becomes a 500 ApiErrors", func(t *testing.T) {
		t.Parallel()
		e := newServer(t, demoConfig(t))
		rest.HandleForTest(e.srv, "/finesse/api/Panic", func(http.ResponseWriter, *http.Request) { panic("boom") })
		e.ts = httptest.NewServer(e.srv)
		defer e.ts.Close()

		apiErr := wantAPIError(t, e.get("1001", "/finesse/api/Panic"), http.StatusInternalServerError, "Internal Server Error", "")
		// The panic value may hold internals; it belongs in the log only.
		if apiErr.Message != "RUNTIME_EXCEPTION" {
			t.Errorf("ErrorMessage %q, want RUNTIME_EXCEPTION", apiErr.Message)
		}
		wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
		if n := e.requests("/finesse/api/Panic", "GET", "500"); n != 1 {
			t.Errorf("finesse_http_requests_total for the panic = %v, want 1", n)
		}
	})

	t.Run("after the header is left alone", func(t *testing.T) {
		t.Parallel()
		e := newServer(t, demoConfig(t))
		rest.HandleForTest(e.srv, "/finesse/api/Panic", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("<User>"))
			panic("boom")
		})
		rec := serve(e.srv, http.MethodGet, "/finesse/api/Panic", "1001", "")
		// A second status line or an ApiErrors glued to the partial body
		// would only garble the answer.
		if rec.Code != http.StatusOK || rec.Body.String() != "<User>" {
			t.Errorf("got %d %q, want the partial 200 <User> untouched", rec.Code, rec.Body)
		}
	})

	t.Run("ErrAbortHandler is passed on", func(t *testing.T) {
		t.Parallel()
		e := newServer(t, demoConfig(t))
		rest.HandleForTest(e.srv, "/finesse/api/Panic", func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) })
		defer func() {
			// net/http relies on seeing it to drop the connection quietly.
			if v := recover(); v != http.ErrAbortHandler {
				t.Errorf("recovered %v, want http.ErrAbortHandler", v)
			}
		}()
		serve(e.srv, http.MethodGet, "/finesse/api/Panic", "1001", "")
		t.Errorf("ServeHTTP returned instead of panicking")
	})
}

// requests is the finesse_http_requests_total counter for one label set.
func (e *env) requests(route, method, status string) float64 {
	e.tb.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		e.tb.Fatalf("gather: %v", err)
	}
	for _, f := range families {
		if f.GetName() != "finesse_http_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["method"] == method && labels["status"] == status {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantStatus(t, e.get("1001", "/finesse/api/User/1001"), http.StatusOK)
	wantStatus(t, e.get("administrator", "/finesse/api/User/1002"), http.StatusOK)
	wantStatus(t, e.get("agent3", "/finesse/api/User/agent3?nocache=1"), http.StatusOK)
	wantStatus(t, e.put("1001", "/finesse/api/User/1001", loginBody("3001")), http.StatusAccepted)
	wantStatus(t, e.get("1001", "/finesse/api/User/9999"), http.StatusNotFound)
	wantStatus(t, e.get("", "/finesse/api/User/1001"), http.StatusUnauthorized)

	const route = "/finesse/api/User/{id}"
	for _, c := range []struct {
		method, status string
		want           float64
	}{
		{"GET", "200", 3},
		{"PUT", "202", 1},
		{"GET", "404", 1},
	} {
		if n := e.requests(route, c.method, c.status); n != c.want {
			t.Errorf("finesse_http_requests_total{route=%q,method=%q,status=%q} = %v, want %v", route, c.method, c.status, n, c.want)
		}
	}

	// One series per user would grow without bound with the directory.
	families, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	sawLatency := false
	for _, f := range families {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "route" && strings.Contains(l.GetValue(), "/User/") && l.GetValue() != route {
					t.Errorf("%s has route label %q, want the template", f.GetName(), l.GetValue())
				}
				if f.GetName() == "finesse_http_request_duration_seconds" && l.GetValue() == route {
					sawLatency = true
				}
			}
		}
	}
	if !sawLatency {
		t.Errorf("no finesse_http_request_duration_seconds series for %s", route)
	}
}
