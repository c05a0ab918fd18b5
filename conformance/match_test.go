package conformance

import (
	"strings"
	"testing"
)

func TestMatchXML(t *testing.T) {
	for _, c := range []struct {
		name, pattern, got string
		partial            bool
		vars               Vars
		diffs              []string // the paths that differ, in order
		captured           Vars
	}{
		{name: "equal", pattern: "<a><b>1</b></a>", got: "<a><b>1</b></a>"},
		{name: "text", pattern: "<a><b>1</b></a>", got: "<a><b>2</b></a>", diffs: []string{"/a/b"}},
		{name: "names in any order", pattern: "<a><b>1</b><c>2</c></a>", got: "<a><c>2</c><b>1</b></a>"},
		{name: "lists in order", pattern: "<a><b>1</b><b>2</b></a>", got: "<a><b>2</b><b>1</b></a>", diffs: []string{"/a/b[1]", "/a/b[2]"}},
		{name: "list length", pattern: "<a><b>1</b><b>2</b></a>", got: "<a><b>1</b></a>", partial: true, diffs: []string{"/a/b"}},
		{name: "extra element", pattern: "<a><b>1</b></a>", got: "<a><b>1</b><c/></a>", diffs: []string{"/a/c"}},
		{name: "extra element, partial", pattern: "<a><b>1</b></a>", got: "<a><b>1</b><c/></a>", partial: true},
		{name: "missing element", pattern: "<a><b>1</b><c/></a>", got: "<a><b>1</b></a>", partial: true, diffs: []string{"/a/c"}},
		{name: "root", pattern: "<a/>", got: "<z/>", diffs: []string{"/a"}},
		{name: "whitespace", pattern: "<a>\n  <b> 1 </b>\n</a>", got: "<a><b>1</b></a>"},
		{name: "attribute", pattern: `<a x="1"/>`, got: `<a x="2"/>`, diffs: []string{"/a/@x"}},
		{name: "wildcard", pattern: "<a><t>{{*}}</t><b>{{*}}</b></a>", got: "<a><t>2024</t><b><c/><d/></b></a>"},
		{
			name: "capture", pattern: "<a><id>{{d}}</id><uri>/Dialog/{{d}}</uri></a>", got: "<a><id>7</id><uri>/Dialog/7</uri></a>",
			captured: Vars{"d": "7"},
		},
		{
			name: "capture must agree", pattern: "<a><id>{{d}}</id><uri>/Dialog/{{d}}</uri></a>", got: "<a><id>7</id><uri>/Dialog/8</uri></a>",
			diffs: []string{"/a/uri"},
		},
		{name: "known value", pattern: "<a>{{d}}</a>", got: "<a>9</a>", vars: Vars{"d": "7"}, diffs: []string{"/a"}},
		{name: "not XML", pattern: "<a/>", got: "oops", diffs: []string{"/"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := c.vars
			if v == nil {
				v = Vars{}
			}
			diffs := matchXML(c.pattern, c.got, c.partial, v)
			var paths []string
			for _, d := range diffs {
				paths = append(paths, d.Path)
			}
			if strings.Join(paths, " ") != strings.Join(c.diffs, " ") {
				t.Errorf("differences %v, want at %v", diffs, c.diffs)
			}
			for name, want := range c.captured {
				if v[name] != want {
					t.Errorf("captured %s = %q, want %q", name, v[name], want)
				}
			}
		})
	}
}

func TestExpand(t *testing.T) {
	v := Vars{"dialog": "12"}
	if got, err := v.expand("/finesse/api/Dialog/{{dialog}}"); err != nil || got != "/finesse/api/Dialog/12" {
		t.Errorf("expand: %q, %v", got, err)
	}
	if _, err := v.expand("/acd/Call/{{call}}"); err == nil || !strings.Contains(err.Error(), "call") {
		t.Errorf("expand of an uncaptured placeholder: %v", err)
	}
}
