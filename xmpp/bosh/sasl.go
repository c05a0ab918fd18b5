package bosh

import (
	"context"
	"encoding/base64"
	"log/slog"
	"strings"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/acd/directory"
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
func (s *session) authenticate(ctx context.Context, el *etree.Element) (*directory.User, string) {
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
	ctx = directory.WithLogAttrs(ctx, slog.String("transport", "bosh"), slog.String("remote", s.addr))
	return s.h.Service.AuthenticatePlain(ctx, data)
}
