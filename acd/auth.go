package acd

import "context"

// AuthenticateContext checks a username (loginId or loginName) and
// password for a request, whose context bounds the wait to hash.
func (e *Engine) AuthenticateContext(ctx context.Context, username, password string) (*User, error) {
	return e.auth.AuthenticateContext(ctx, username, password)
}
