package rest

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
)

type actorKey struct{}

// authenticate lets on only requests whose HTTP Basic credentials the
// engine accepts, carrying the user they name for handlers to find with
// actor.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u, err := s.caller(r)
		if err != nil {
			writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, u)))
	})
}

// caller is the user r's Basic credentials name: the username is the
// loginId or the loginName.
func (s *Server) caller(r *http.Request) (*acd.User, error) {
	name, password, ok := r.BasicAuth()
	if !ok {
		return nil, fail(acd.ErrBadCredentials, "", "HTTP Basic credentials are required")
	}
	// A refused sign-in is logged where it is decided; say from where.
	ctx := directory.WithLogSource(r.Context(), (*requestSource)(r))
	u, err := s.engine.AuthenticateContext(ctx, name, password)
	if err != nil {
		return nil, fail(acd.ErrBadCredentials, name, "UNAUTHORIZED")
	}
	return u, nil
}

// requestSource describes a request for the log line of a refused
// sign-in, built only if that line is written.
type requestSource http.Request

func (r *requestSource) LogAttrs() []slog.Attr {
	return []slog.Attr{
		slog.String("transport", "rest"), slog.String("remote", r.RemoteAddr),
		slog.String("requestId", r.Header.Get("requestId")),
	}
}

// actor is the authenticated user of an API request.
func actor(r *http.Request) *acd.User {
	return r.Context().Value(actorKey{}).(*acd.User)
}
