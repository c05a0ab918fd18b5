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

// TestParsePollAgreesWithTheParser: what the fast path for empty bodies
// accepts, it reads as the full parser does; what it refuses goes to the
// full parser.
func TestParsePollAgreesWithTheParser(t *testing.T) {
	ns := " xmlns='" + NSHTTPBind + "'"
	for _, in := range []string{
		"<body rid='8' sid='abc'" + ns + "/>",
		`<body sid="abc" rid="9" xmlns="` + NSHTTPBind + `" type="terminate"/>`,
		"  <body rid='8' sid='abc' ack='7'/>\n",
		"<body rid='x' sid='abc'/>",
		"<body rid='9007199254740992' sid='abc'/>",
		"<body rid='8' sid='a&amp;b'/>",
		"<body rid='8' sid='abc' xmlns='urn:other'/>",
		"<body rid='8' sid='abc' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'/>",
		"<body rid='8'sid='abc'/>",
		"<body rid='8' sid='abc' rid='9'/>",
		"<body rid='8' sid='abc'></body>",
		"<body rid='8'/>",
		"<body rid='8' sid='abc' 1x='y'/>",
		"<body rid='8' sid='a\tb'/>",
		"<bodyx rid='8' sid='abc'/>",
		"\v<body rid='8' sid='abc'/>",
		"<body rid='8' sid='abc'/>\f",
		"<body rid='8' sid='abc' x='\x01'/>",
		"<body rid='8' sid='abc' x='\x00'/>",
		"<body rid='8' sid='abc' x='\uFFFE'/>",
		"<body rid='8' sid='abc' x='\xff'/>",
		"<body rid='8' sid='abc' x='\u00e9'/>",
	} {
		fast, ok := parsePoll([]byte(in))
		if !ok {
			continue
		}
		full := mustParseWithEtree(t, in)
		if fast.sid != full.sid || fast.rid != full.rid || fast.typ != full.typ || fast.restart != full.restart || len(fast.el.ChildElements()) != 0 {
			t.Errorf("%q: fast %+v, full %+v", in, *fast, *full)
		}
	}
	if b, ok := parsePoll([]byte("<body rid='8' sid='abc' xmlns='" + NSHTTPBind + "'></body>")); !ok || b.sid != "abc" || b.rid != 8 {
		t.Errorf("an empty body with an end tag was not taken by the fast path: %+v, %v", b, ok)
	}
	for _, in := range []string{"<body rid='8' sid='abc'>x</body>", "<body rid='8' sid='abc'><iq/></body>", "<body rid='8' sid='abc'> </body>", "\v<body rid='8' sid='abc'/>", "<body rid='8' sid='abc' x='\x01'/>", "<body rid='8' sid='abc' x='\xff'/>", "<body rid='8'sid='abc'/>", "<body rid='8' sid='abc' rid='9'/>", "<body rid='8' sid='abc' xmlns='urn:other'/>", "<body rid='8' sid='abc' xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh'/>", "<body rid='8' sid='abc' 1x='y'/>"} {
		if _, ok := parsePoll([]byte(in)); ok {
			t.Errorf("%q taken by the fast path", in)
		}
	}
}

// mustParseWithEtree is parseBody without its fast path, which an XML
// declaration keeps out.
func mustParseWithEtree(t *testing.T, in string) *body {
	t.Helper()
	b, err := parseBody([]byte("<?xml version='1.0'?>" + in))
	if err != nil {
		t.Fatalf("%q: %v", in, err)
	}
	return b
}
