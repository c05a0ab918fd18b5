package xmpp

import (
	"strings"

	"mellium.im/sasl"

	"github.com/finessed/finessed/acd"
)

// AuthenticatePlain checks a SASL PLAIN message (authzid NUL authcid NUL
// password) for any transport. The authcid may carry @domain, which is
// dropped; an authzid must name the same user. On failure it returns the
// SASL condition to report: not-authorized or invalid-authzid.
func (s *Service) AuthenticatePlain(message []byte) (*acd.User, string) {
	var user *acd.User
	failure := "not-authorized"
	// mellium.im/sasl parses the message and hands the credentials to this
	// permission callback.
	server := sasl.NewServer(sasl.Plain, func(n *sasl.Negotiator) bool {
		authcid, password, authzid := n.Credentials()
		name, _, _ := strings.Cut(string(authcid), "@")
		u, err := s.Authenticate(name, string(password))
		if err != nil {
			return false
		}
		if z := string(authzid); z != "" && !strings.EqualFold(z, u.ID+"@"+s.domain) && !strings.EqualFold(z, name) {
			failure = "invalid-authzid"
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
