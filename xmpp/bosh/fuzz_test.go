package bosh

import (
	"bytes"
	"context"
	"encoding/base64"
	"slices"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/internal/fixture"
	"github.com/finessed/finessed/xmpp"
)

// FuzzParseBody feeds request bodies to the parser. Nothing may panic, and
// what the fast path for empty bodies accepts must be well-formed and read
// as the full parser reads it, since most requests never reach the latter.
func FuzzParseBody(f *testing.F) {
	ns := " xmlns='" + NSHTTPBind + "'"
	for _, seed := range []string{
		"<body rid='8' sid='abc'" + ns + "/>",
		`<body sid="abc" rid="9" xmlns="` + NSHTTPBind + `" type="terminate"/>`,
		"<body rid='1' to='localhost' wait='60' hold='1' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh'" + ns + "/>",
		"<body rid='2' sid='abc' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'" + ns + "/>",
		"<body rid='3' sid='abc'" + ns + "><iq xmlns='jabber:client' type='get' id='p'><ping xmlns='urn:xmpp:ping'/></iq></body>",
		"<body rid='8' sid='a&amp;b'/>",
		"<body rid='8' sid='abc'" + ns + "></body>",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sniffSID(data)
		parseBody(data)
		fast, ok := parsePoll(data)
		if !ok {
			return
		}
		// An XML declaration keeps the full parser off the fast path.
		full, err := parseBody(append([]byte("<?xml version='1.0'?>"), data...))
		if err != nil {
			t.Fatalf("%q: the fast path took what the parser refuses: %v", data, err)
		}
		if fast.sid != full.sid || fast.rid != full.rid || fast.typ != full.typ || fast.restart != full.restart || len(full.el.ChildElements()) != 0 {
			t.Fatalf("%q: fast %+v, full %+v", data, *fast, *full)
		}
	})
}

// saslConditions are the failures RFC 6120 §6.5 names that a BOSH
// session may answer.
var saslConditions = []string{"aborted", "incorrect-encoding", "invalid-authzid", "invalid-mechanism", "malformed-request", "not-authorized"}

// FuzzSASL feeds SASL elements, PLAIN payloads above all, to a BOSH
// session before authentication: base64 decoding, then the PLAIN message
// (authzid NUL authcid NUL password) that the service checks. Nothing may
// panic, a failure must be a SASL condition, and a success must come from
// a message that really carries the right password.
func FuzzSASL(f *testing.F) {
	plain := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	for _, seed := range []struct{ tag, mech, payload string }{
		{"auth", "PLAIN", plain("\x00agent1\x00finesse")},
		{"auth", "PLAIN", plain("1001@localhost\x00agent1\x00finesse")},
		{"auth", "PLAIN", plain("agent2\x00agent1\x00finesse")},
		{"auth", "PLAIN", plain("\x00agent1\x00wrong")},
		{"auth", "PLAIN", "="},
		{"auth", "PLAIN", ""},
		{"response", "", plain("\x00admin\x00finesse")},
		{"auth", "DIGEST-MD5", ""},
		{"abort", "", ""},
	} {
		f.Add(seed.tag, seed.mech, seed.payload)
	}
	cfg := fixture.Demo(f)
	// Keep the right password working whatever came before.
	cfg.Settings.LockoutAttempts = 1 << 30
	svc := xmpp.NewService(fixture.Engine(f, cfg, nil), xmpp.Options{})
	fixture.Go(f, svc.Run)
	h := &Handler{Service: svc}
	f.Fuzz(func(t *testing.T, tag, mechanism, payload string) {
		el := etree.NewElement(tag)
		if el.Tag == "" {
			return
		}
		if mechanism != "" {
			el.CreateAttr("mechanism", mechanism)
		}
		el.SetText(payload)
		// A fresh session, challenged so that a <response> is read too.
		s := &session{h: h, challenged: tag == "response"}
		user, failure := s.authenticate(context.Background(), el)
		switch {
		case user == nil && failure == "":
			if tag != "auth" || strings.TrimSpace(payload) != "" {
				t.Fatalf("<%s mechanism=%q>%q: neither a user nor a failure", tag, mechanism, payload)
			}
		case user == nil:
			if !slices.Contains(saslConditions, failure) {
				t.Fatalf("<%s>%q: failure %q is not a SASL condition", tag, payload, failure)
			}
		default:
			msg, err := base64.StdEncoding.DecodeString(strings.TrimSpace(payload))
			parts := bytes.Split(msg, []byte{0})
			if err != nil || len(parts) != 3 || string(parts[2]) != "finesse" {
				t.Fatalf("<%s>%q signed %s in", tag, payload, user.ID)
			}
		}
	})
}
