package rest

import "net/http"

// HandleForTest adds a route to s, so that tests can reach behaviour no real
// route shows on demand, such as a handler that panics.
func HandleForTest(s *Server, path string, h http.HandlerFunc) {
	s.router.HandleFunc(path, h)
}
