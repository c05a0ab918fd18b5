package rest_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/finessed/finessed/rest"
)

// Requests on a listener that times arrivals are counted from their
// arrival, under their route; a connection idle between two requests does
// not lend its idle time to the second.
func TestArrivalWaitIsTimed(t *testing.T) {
	t.Parallel()
	e := newServer(t, demoConfig(t))
	ts := httptest.NewUnstartedServer(e.srv)
	ts.Listener = rest.TimeArrivals(ts.Listener)
	rest.KeepArrivals(ts.Config)
	ts.Start()
	defer ts.Close()

	const idle = time.Second
	client := ts.Client() // one keep-alive connection for every request
	for i := range 3 {
		if i > 0 {
			time.Sleep(idle)
		}
		req, _ := http.NewRequest(http.MethodGet, ts.URL+"/finesse/api/User/1001", nil)
		req.SetBasicAuth("1001", password)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET: %s", resp.Status)
		}
	}

	h := waitHistogram(t, e, "/finesse/api/User/{id}", "GET")
	if h == nil || h.GetSampleCount() != 3 {
		t.Fatalf("finesse_http_request_wait_seconds for GET User: %v, want 3 requests", h)
	}
	if sum := h.GetSampleSum(); sum >= idle.Seconds() {
		t.Errorf("the three requests waited %.3fs in all: the connection's idle time was counted", sum)
	}
}

// waitHistogram is the wait histogram's series for route and method.
func waitHistogram(t *testing.T, e *env, route, method string) *dto.Histogram {
	t.Helper()
	families, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "finesse_http_request_wait_seconds" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := map[string]string{}
			for _, l := range m.GetLabel() {
				labels[l.GetName()] = l.GetValue()
			}
			if labels["route"] == route && labels["method"] == method {
				return m.GetHistogram()
			}
		}
	}
	return nil
}
