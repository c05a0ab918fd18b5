package xmpp

import (
	"context"
	"log/slog"
	"strings"

	"mellium.im/sasl"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
)

// AuthenticatePlain checks a SASL PLAIN message (authzid NUL authcid NUL
// password) for any transport. The authcid may carry @domain, which is
// dropped; an authzid must name the same user. On failure it returns the
// SASL condition to report: not-authorized or invalid-authzid. Refusals
// are logged with what directory.WithLogAttrs put in ctx.
func (s *Service) AuthenticatePlain(ctx context.Context, message []byte) (*acd.User, string) {
	var user *acd.User
	failure := "not-authorized"
	// mellium.im/sasl parses the message and hands the credentials to this
	// permission callback.
	server := sasl.NewServer(sasl.Plain, func(n *sasl.Negotiator) bool {
		authcid, password, authzid := n.Credentials()
		name, _, _ := strings.Cut(string(authcid), "@")
		u, err := s.Authenticate(ctx, name, string(password))
		if err != nil {
			return false
		}
		if z := string(authzid); z != "" && !strings.EqualFold(z, u.ID+"@"+s.domain) && !strings.EqualFold(z, name) {
			failure = "invalid-authzid"
			attrs := append([]slog.Attr{slog.String("user", u.ID), slog.String("reason", "authzid names another user")}, directory.LogAttrs(ctx)...)
			slog.LogAttrs(ctx, slog.LevelWarn, "sign-in refused", attrs...)
			return false
		}
		user = u
		return true
	})
	if _, _, err := server.Step(message); err != nil || user == nil {
		return nil, failure
	}
	return user, ""
}
