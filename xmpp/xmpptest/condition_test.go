package xmpptest

import "testing"

func TestCondition(t *testing.T) {
	for raw, want := range map[string]string{
		`<iq type="error" id="s"><error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></iq>`:                                                         "item-not-found",
		`<iq type='error'><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>not your team</text></error></iq>`: "forbidden: not your team",
		`<body xmlns="http://jabber.org/protocol/httpbind"><failure xmlns="urn:ietf:params:xml:ns:xmpp-sasl"><not-authorized/></failure></body>`:                                          "not-authorized",
		`<iq type="result" id="s"/>`: "",
		`not XML`:                    "",
	} {
		if got := Condition(raw); got != want {
			t.Errorf("Condition(%s) = %q, want %q", raw, got, want)
		}
	}
}
