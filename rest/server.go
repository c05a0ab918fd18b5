package rest

import (
	"context"
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/acd"
)

// apiPrefix is where the Finesse API lives; everything under it needs
// credentials.
const apiPrefix = "/finesse/api/"

// Server is the REST API's HTTP handler.
type Server struct {
	engine  *acd.Engine
	router  *mux.Router
	metrics *metrics
}

// New returns the REST API over engine, registering its metrics with reg
// (nil registers none).
func New(engine *acd.Engine, reg prometheus.Registerer) *Server {
	s := &Server{engine: engine, router: mux.NewRouter(), metrics: newMetrics(reg)}
	s.routes()
	s.router.NotFoundHandler = http.HandlerFunc(s.notFound)
	s.router.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)
	s.router.Use(s.nameRoute)
	return s
}

// ServeHTTP authenticates requests to the API, routes them, records their
// metrics and turns a panic into a 500 ApiErrors answer.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := s.metrics.start(w)
	defer s.metrics.finish(rec, r)
	defer recoverPanic(rec, r)
	ctx := context.WithValue(r.Context(), routeKey{}, &rec.route)
	r = r.WithContext(ctx)
	// An over-long requestId is refused before anything reads it, and not
	// echoed: the refusal must not cost what the bound saves.
	if err := checkRequestID(r); err != nil {
		writeError(rec, r, err)
		return
	}
	if id := r.Header.Get("requestId"); id != "" {
		rec.Header().Set("requestId", id)
	}
	if strings.HasPrefix(r.URL.Path, apiPrefix) || strings.HasPrefix(r.URL.Path, simPrefix) {
		if !s.engine.InService() && !isSystemInfo(r) {
			writeError(rec, r, fail(errOutOfService, "", "the node is out of service: its shared state does not answer; try again in a few seconds or use the other node"))
			return
		}
		actor, err := s.authenticate(r)
		if err != nil {
			writeError(rec, r, err)
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), actorKey{}, actor))
	}
	s.router.ServeHTTP(rec, r)
}

// isSystemInfo reports whether r reads SystemInfo, which a node out of
// service still answers: desktops poll it to learn where to go.
func isSystemInfo(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.TrimSuffix(r.URL.Path, "/") == apiPrefix+"SystemInfo"
}

type routeKey struct{}

// nameRoute records the matched route's template for the metrics, so that
// /User/1001 and /User/1002 count as one route.
func (s *Server) nameRoute(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := r.Context().Value(routeKey{}).(*string); ok {
			if tmpl, err := mux.CurrentRoute(r).GetPathTemplate(); err == nil {
				*name = tmpl
			}
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, r, fail(errRouteNotFound, r.URL.Path, "no resource at "+r.URL.Path))
}

// methodNotAllowed answers 405 with the Allow header that gorilla/mux does
// not give by itself, found by matching the path with every method. OPTIONS,
// which Allow always lists, answers 200 with just that header.
func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut, http.MethodPost, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if s.router.Match(probe, &match) && match.MatchErr == nil {
			allow = append(allow, m)
		}
	}
	w.Header().Set("Allow", strings.Join(append(allow, http.MethodOptions), ","))
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeXMLError(w, http.StatusMethodNotAllowed, "Method Not Allowed", r.Method, r.Method+" is not supported on "+r.URL.Path)
}
