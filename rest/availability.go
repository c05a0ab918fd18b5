package rest

import (
	"net/http"
	"strings"
)

// requireService answers 503 while the node is out of service, its shared
// state not answering, so that clients go to the other node.
func (s *Server) requireService(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.engine.InService() && !isSystemInfo(r) {
			writeError(w, r, fail(errOutOfService, "", "the node is out of service: its shared state does not answer; try again in a few seconds or use the other node"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// isSystemInfo reports whether r reads SystemInfo, which a node out of
// service still answers: desktops poll it to learn where to go.
func isSystemInfo(r *http.Request) bool {
	return r.Method == http.MethodGet && strings.TrimSuffix(r.URL.Path, "/") == apiPrefix+"SystemInfo"
}
