package bosh

import (
	"encoding/base64"
	"strings"

	"github.com/beevik/etree"
	"mellium.im/sasl"

	"github.com/finessed/finessed/acd"
)

// maxAuthAttempts bounds SASL attempts in one BOSH session, as the TCP
// transport does (RFC 6120 §6.4.5 asks for between 2 and 5 retries).
const maxAuthAttempts = 5

var (
	mechanismsFeatures = []byte("<stream:features xmlns:stream='" + nsStream + "'>" +
		"<mechanisms xmlns='" + nsSASL + "'><mechanism>PLAIN</mechanism></mechanisms></stream:features>")
	saslSuccess   = []byte("<success xmlns='" + nsSASL + "'/>")
	saslChallenge = []byte("<challenge xmlns='" + nsSASL + "'/>")
)

func saslFailure(condition string) []byte {
	return []byte("<failure xmlns='" + nsSASL + "'><" + condition + "/></failure>")
}

// authenticate handles one SASL element before authentication. It returns
// the user on success and the failure condition otherwise; "" with a nil
// user means a challenge was sent and a <response> is awaited.
func (s *session) authenticate(el *etree.Element) (*acd.User, string) {
	var payload string
	switch el.Tag {
	case "auth":
		s.challenged = false
		if el.SelectAttrValue("mechanism", "") != "PLAIN" {
			// jabberwerx tries DIGEST-MD5 first; refusing it cleanly
			// makes it fall back to PLAIN.
			return nil, "invalid-mechanism"
		}
		payload = strings.TrimSpace(el.Text())
		if payload == "" {
			s.challenged = true
			return nil, ""
		}
	case "response":
		if !s.challenged {
			return nil, "malformed-request"
		}
		s.challenged = false
		payload = strings.TrimSpace(el.Text())
	case "abort":
		s.challenged = false
		return nil, "aborted"
	default:
		return nil, "malformed-request"
	}
	data, err := base64.StdEncoding.DecodeString(payload)
	if err != nil || payload == "=" {
		return nil, "incorrect-encoding"
	}
	return s.h.checkPlain(data)
}

// checkPlain checks a PLAIN message (authzid NUL authcid NUL passwd) via
// mellium.im/sasl, whose permission callback receives the credentials. The
// authcid may carry @domain, which is stripped; an authzid must name the
// same user.
func (h *Handler) checkPlain(data []byte) (*acd.User, string) {
	var user *acd.User
	failure := "not-authorized"
	server := sasl.NewServer(sasl.Plain, func(n *sasl.Negotiator) bool {
		authcid, password, authzid := n.Credentials()
		name, _, _ := strings.Cut(string(authcid), "@")
		u, err := h.Service.Authenticate(name, string(password))
		if err != nil {
			return false
		}
		if z := string(authzid); z != "" && !strings.EqualFold(z, u.ID+"@"+h.Service.Domain()) && !strings.EqualFold(z, name) {
			failure = "invalid-authzid"
			return false
		}
		user = u
		return true
	})
	if _, _, err := server.Step(data); err != nil || user == nil {
		return nil, failure
	}
	return user, ""
}
