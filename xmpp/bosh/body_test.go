package bosh

import (
	"testing"

	"github.com/finessed/finessed/xmpp"
)

func TestAppendStanza(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<presence/>", "<presence xmlns='jabber:client'/>"},
		{"<presence from='a'/>", "<presence xmlns='jabber:client' from='a'/>"},
		{"<message from='pubsub.localhost' to='1001@localhost/x' id='ab'>", "<message xmlns='jabber:client' from='pubsub.localhost' to='1001@localhost/x' id='ab'>"},
		{"<iq xmlns='jabber:client' type='result'/>", "<iq xmlns='jabber:client' type='result'/>"},
		{`<iq type="result" xmlns="jabber:client"/>`, `<iq type="result" xmlns="jabber:client"/>`},
		{"<iq to='a/x xmlns=b' type='result'/>", "<iq xmlns='jabber:client' to='a/x xmlns=b' type='result'/>"},
		{"<iq to='a/>' xmlns='jabber:client'/>", "<iq to='a/>' xmlns='jabber:client'/>"},
		{"<iq xmlns:foo='bar'/>", "<iq xmlns='jabber:client' xmlns:foo='bar'/>"},
	}
	for _, tt := range tests {
		if got := string(appendStanza(nil, []byte(tt.in))); got != tt.want {
			t.Errorf("appendStanza(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestVersion(t *testing.T) {
	for in, want := range map[string]string{"": "1.0", "1.6": "1.6", "1.11": "1.11", "1.12": "1.11", "2.0": "1.11", "x": "1.0"} {
		if got := version(in); got != want {
			t.Errorf("version(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRenderTerminate(t *testing.T) {
	se := &xmpp.StreamError{Condition: "conflict"}
	got := string(renderTerminate(&ending{condition: "remote-stream-error", streamErr: se}, []item{{raw: []byte("<presence/>")}}))
	want := bodyOpen + " type='terminate' condition='remote-stream-error'><presence/>" + string(se.Bytes()) + "</body>"
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if got := string(renderTerminate(&ending{}, nil)); got != bodyOpen+" type='terminate'/>" {
		t.Errorf("plain terminate: %s", got)
	}
}

func TestParseBody(t *testing.T) {
	b, err := parseBody([]byte("<body rid='7' sid='s' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh' xmlns='" + NSHTTPBind + "'/>"))
	if err != nil || b.rid != 7 || b.sid != "s" || !b.restart {
		t.Fatalf("parse: %+v %v", b, err)
	}
	// xmpp:restart outside the xbosh namespace is not a restart.
	b, err = parseBody([]byte("<body rid='7' x:restart='true' xmlns:x='urn:other' xmlns='" + NSHTTPBind + "'/>"))
	if err != nil || b.restart {
		t.Fatalf("parse: %+v %v", b, err)
	}
	if _, err := parseBody([]byte("<body xmlns='urn:other'/>")); err == nil {
		t.Fatal("a body in another namespace was accepted")
	}
	if sid := sniffSID([]byte("<body rid='1' sid='abc' xmlns='" + NSHTTPBind + "'><iq>")); sid != "abc" {
		t.Fatalf("sniffSID = %q", sid)
	}
}
