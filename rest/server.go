package rest

import (
	"log/slog"
	"net/http"
	"slices"
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
	handler http.Handler
	access  *slog.Logger // the access log, nil for none
}

// New returns the REST API over engine, registering its metrics with reg
// (nil registers none).
func New(engine *acd.Engine, reg prometheus.Registerer) *Server {
	s := &Server{engine: engine, router: mux.NewRouter()}
	s.routes()
	s.handler = s.chain(newMetrics(reg))
	return s
}

// ServeHTTP passes r along the chain of steps that ends in the router.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}

// middleware is one step of the chain: it does its part of every request
// and hands it on to the next step, or answers it itself.
type middleware = func(next http.Handler) http.Handler

// chain is the path of every request, outermost step first, to the router
// (routes.go). The order is behaviour: it decides which error a request
// that breaks several rules is given.
func (s *Server) chain(m *metrics) http.Handler {
	return wrap(s.router,
		m.count, // outermost, so that every answer is counted, a panic's 500 too
		s.logRequest,
		recoverPanics,
		echoRequestID, // before the checks that refuse: their answers carry the requestId too
		underAPI(
			// Sign-in lockout lives in the shared state, so a node out
			// of service cannot tell a good password from a locked one.
			s.requireService,
			s.authenticate,
		),
		// Inside count: given the server's own writer rather than the
		// recorder, a body over the bound would also close the connection.
		limitBody,
	)
}

// wrap wraps h in steps, the first outermost.
func wrap(h http.Handler, steps ...middleware) http.Handler {
	for _, step := range slices.Backward(steps) {
		h = step(h)
	}
	return h
}

// underAPI applies steps only to requests for the API and the simulator:
// elsewhere there is nothing to protect, and a wrong path answers 404
// without asking for credentials.
func underAPI(steps ...middleware) middleware {
	return func(next http.Handler) http.Handler {
		guarded := wrap(next, steps...)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.HasPrefix(r.URL.Path, apiPrefix) || strings.HasPrefix(r.URL.Path, simPrefix) {
				guarded.ServeHTTP(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
