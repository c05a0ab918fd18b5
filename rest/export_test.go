package rest

import (
	"net/http"
	"net/http/httptest"

	"github.com/gorilla/mux"
)

// HandleForTest adds a route to s, so that tests can reach behaviour no real
// route shows on demand, such as a handler that panics.
func HandleForTest(s *Server, path string, h http.HandlerFunc) {
	s.router.HandleFunc(path, h)
}

// RoutesForTest lists every method and route template s serves, as
// "GET /finesse/api/User/{id}".
func RoutesForTest(s *Server) []string {
	var out []string
	s.router.Walk(func(route *mux.Route, _ *mux.Router, _ []*mux.Route) error {
		tmpl, err := route.GetPathTemplate()
		if err != nil {
			return err
		}
		methods, err := route.GetMethods()
		if err != nil {
			return err
		}
		for _, m := range methods {
			out = append(out, m+" "+tmpl)
		}
		return nil
	})
	return out
}

// RouteForTest is the method and route template a request for method and
// path matches, or "" for none.
func RouteForTest(s *Server, method, path string) string {
	var match mux.RouteMatch
	if !s.router.Match(httptest.NewRequest(method, path, nil), &match) || match.MatchErr != nil {
		return ""
	}
	tmpl, _ := match.Route.GetPathTemplate()
	return method + " " + tmpl
}
