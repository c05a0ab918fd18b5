package model

import (
	"testing"

	"github.com/beevik/etree"
)

// TestMarshalIndentMatchesEtree: the direct writer gives the bytes etree's
// Indent(2) and WriteTo give, for every kind of Update the server sends and
// for the corners of text, attributes and whitespace.
func TestMarshalIndentMatchesEtree(t *testing.T) {
	u, d := testUser(), testDialog()
	parsed, err := ParseRoot([]byte("<a x='1'>\n  <b> </b>\n  <c>t&amp;&lt;</c>\n  <d/>\n</a>"))
	if err != nil {
		t.Fatal(err)
	}
	mixed := etree.NewElement("m")
	mixed.CreateAttr("q", `say "hi" & 'bye' <now>`)
	mixed.SetText("before ")
	mixed.CreateElement("e").SetText("\t\n\r tabs")
	mixed.CreateCharData(" after\x01\uFFFD")
	mixed.CreateElement("f").CreateElement("g")
	mixed.CreateElement("ns:h").CreateAttr("xmlns:ns", "urn:x")
	fallback := etree.NewElement("f")
	fallback.CreateElement("a").SetText("x")
	fallback.CreateElement("b").SetCData("<raw>")
	fallback.CreateComment("note")
	spaces := etree.NewElement("s")
	spaces.SetText("   ")
	for name, el := range map[string]*etree.Element{
		"user update":    Update{Event: EventPut, RequestID: "r1", Source: u.URI(), Data: u.Element("user")}.Element(),
		"dialog update":  Update{Event: EventPost, Source: "/finesse/api/Dialog/" + d.ID, Data: d.Element("Dialog")}.Element(),
		"errors update":  Update{Event: EventPut, Source: u.URI(), Errors: testAPIErrors()}.Element(),
		"team":           testTeam().Element(),
		"queue":          testQueue().Element(),
		"system info":    testSystemInfo().Element("SystemInfo"),
		"parsed":         parsed,
		"mixed":          mixed,
		"spaces":         spaces,
		"cdata, comment": fallback,
		"empty":          etree.NewElement("empty"),
	} {
		want := string(marshalIndentTree(el))
		if got := string(MarshalIndent(el)); got != want {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
}

// TestMarshalIndentLeavesTheTree: rendering does not change el.
func TestMarshalIndentLeavesTheTree(t *testing.T) {
	u := testUser()
	el := Update{Event: EventPut, Source: u.URI(), Data: u.Element("user")}.Element()
	before := string(Marshal(el))
	MarshalIndent(el)
	if after := string(Marshal(el)); after != before {
		t.Errorf("tree changed:\n%s\n%s", before, after)
	}
}
