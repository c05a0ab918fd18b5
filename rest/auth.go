package rest

import (
	"net/http"

	"github.com/finessed/finessed/acd"
)

type actorKey struct{}

// authenticate checks the request's Basic credentials. The username is the
// loginId or the loginName.
func (s *Server) authenticate(r *http.Request) (*acd.User, error) {
	name, password, ok := r.BasicAuth()
	if !ok {
		return nil, fail(acd.ErrBadCredentials, "", "HTTP Basic credentials are required")
	}
	u, err := s.engine.AuthenticateContext(r.Context(), name, password)
	if err != nil {
		return nil, fail(acd.ErrBadCredentials, name, "UNAUTHORIZED")
	}
	return u, nil
}

// actor is the authenticated user of an API request.
func actor(r *http.Request) *acd.User {
	return r.Context().Value(actorKey{}).(*acd.User)
}
