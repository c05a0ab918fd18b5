package websocket

import "testing"

func TestWithClientNamespace(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`<iq type="set" id="1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>`, `<iq xmlns='jabber:client' type="set" id="1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>`},
		{`<presence/>`, `<presence xmlns='jabber:client'/>`},
		{"\n <message\tto='x'>hi</message>", "\n <message xmlns='jabber:client'\tto='x'>hi</message>"},
		{`<iq xmlns='jabber:client' type='get'/>`, `<iq xmlns='jabber:client' type='get'/>`},
		{`<iq type='get' xmlns = "urn:example"/>`, `<iq type='get' xmlns = "urn:example"/>`},
		{`<iq id=" xmlns=" type='get'/>`, `<iq xmlns='jabber:client' id=" xmlns=" type='get'/>`},
		{`<iq xmlns:x='urn:x' type='get'/>`, `<iq xmlns='jabber:client' xmlns:x='urn:x' type='get'/>`},
		{`<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost'/>`, `<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='localhost'/>`},
		{`<auth mechanism='PLAIN'>AA==</auth>`, `<auth mechanism='PLAIN'>AA==</auth>`},
		{`<iqx/>`, `<iqx/>`},
		{`text<iq/>`, `text<iq/>`},
		{``, ``},
	} {
		if got := string(withClientNamespace([]byte(c.in))); got != c.want {
			t.Errorf("withClientNamespace(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
