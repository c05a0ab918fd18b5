package rest

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
)

// metrics counts requests and their latency by route template and status.
type metrics struct {
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	wait     *prometheus.HistogramVec // arrival to handler start (arrival.go)
}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finesse_http_requests_total",
			Help: "REST requests answered, by route template, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "finesse_http_request_duration_seconds",
			Help:    "REST request latency, by route template, method and status.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"route", "method", "status"}),
		wait: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "finesse_http_request_wait_seconds",
			Help: "Time from a REST request's first bytes reaching the machine (the kernel's receive timestamp on Linux) " +
				"to its handler starting: waiting for a server goroutine, and reading the headers. By route template and method; " +
				"listeners started by finessed only, HTTP/1 only.",
			Buckets: []float64{.000025, .00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
		}, []string{"route", "method"}),
	}
	if reg != nil {
		reg.MustRegister(m.requests, m.latency, m.wait)
	}
	return m
}

// count records every request under its route, method and status, with
// how long it took. The steps after it see the response as a *recorder:
// the router names the route on it (nameRoute) and recoverPanics asks it
// whether the header is gone.
func (m *metrics) count(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &recorder{ResponseWriter: w, status: http.StatusOK, route: "unmatched", start: time.Now()}
		rec.arrived = arrivalOf(r)
		defer m.finish(rec, r)
		next.ServeHTTP(rec, r)
	})
}

// recorder remembers the status written and the route matched.
type recorder struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
	route       string
	start       time.Time
	arrived     time.Time // the request's first bytes, zero when unknown
}

func (w *recorder) WriteHeader(status int) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = status, true
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recorder) Write(b []byte) (int, error) {
	w.wroteHeader = true
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *recorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// nameRoute runs inside the router, on matched routes only, and records
// the route's template for count, so that /User/1001 and /User/1002 count
// as one route.
func nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rec, ok := w.(*recorder); ok {
			if tmpl, err := mux.CurrentRoute(r).GetPathTemplate(); err == nil {
				rec.route = tmpl
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (m *metrics) finish(w *recorder, r *http.Request) {
	status, method := strconv.Itoa(w.status), methodLabel(r.Method)
	m.requests.WithLabelValues(w.route, method, status).Inc()
	m.latency.WithLabelValues(w.route, method, status).Observe(time.Since(w.start).Seconds())
	if !w.arrived.IsZero() {
		// A clock step between the two readings would make it negative.
		m.wait.WithLabelValues(w.route, method).Observe(max(w.start.Sub(w.arrived), 0).Seconds())
	}
}

// methodLabel folds every method outside HTTP's usual few into "other":
// a method is any token a client cares to send, before authentication,
// and each label value is a series kept for the life of the process.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodPut, http.MethodPost, http.MethodDelete,
		http.MethodHead, http.MethodOptions, http.MethodPatch:
		return method
	}
	return "other"
}
