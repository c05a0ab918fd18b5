package rest

import (
	"log/slog"
	"net/http"
	"time"
)

// LogRequests writes one line for every request to l from now on (nil:
// none), the access log operators ask for with finessed -access-log. Call
// it before the server takes requests.
func (s *Server) LogRequests(l *slog.Logger) { s.access = l }

// logRequest writes the request's line once it is answered. It runs just
// inside count, whose recorder knows the status and the route.
func (s *Server) logRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r)
		rec, ok := w.(*recorder)
		if s.access == nil || !ok {
			return
		}
		s.access.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", rec.route),
			slog.Int("status", rec.status), slog.Duration("took", time.Since(rec.start)),
			slog.String("remote", r.RemoteAddr), slog.String("requestId", r.Header.Get("requestId")))
	})
}
