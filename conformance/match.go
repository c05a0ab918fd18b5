package conformance

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// A Difference is one place where a received document departs from the
// pattern: its path (/Update/data/user/state) and what was wanted and got.
type Difference struct {
	Path      string
	Want, Got string
}

func (d Difference) String() string {
	return fmt.Sprintf("%s: want %s, got %s", d.Path, d.Want, d.Got)
}

// matchXML compares a received document with a pattern. Elements are
// compared by name, text (with placeholders) and attributes. Among an
// element's children, those of different names may come in any order
// (Finesse clients read fields by name), while those of the same name are
// a list and compared in order. With partial, the document may have
// children the pattern does not name; without, it may not. An element
// whose whole pattern text is {{*}} matches any content.
func matchXML(pattern, got string, partial bool, v Vars) []Difference {
	want, err := parseDoc(pattern)
	if err != nil {
		return []Difference{{Path: "/", Want: "a pattern that parses", Got: err.Error()}}
	}
	doc, err := parseDoc(got)
	if err != nil {
		return []Difference{{Path: "/", Want: "an XML document", Got: fmt.Sprintf("%q (%v)", clip(got), err)}}
	}
	m := matcher{vars: v, partial: partial}
	m.element(want, doc, "/"+want.Tag)
	return m.diffs
}

func parseDoc(s string) (*etree.Element, error) {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(strings.TrimSpace(s)); err != nil {
		return nil, err
	}
	if doc.Root() == nil {
		return nil, fmt.Errorf("no root element")
	}
	return doc.Root(), nil
}

type matcher struct {
	vars    Vars
	partial bool
	diffs   []Difference
}

func (m *matcher) differ(path, want, got string) {
	m.diffs = append(m.diffs, Difference{Path: path, Want: want, Got: got})
}

func (m *matcher) element(want, got *etree.Element, path string) {
	if want.Tag != got.Tag {
		m.differ(path, "<"+want.Tag+">", "<"+got.Tag+">")
		return
	}
	if strings.TrimSpace(want.Text()) == "{{*}}" && len(want.ChildElements()) == 0 {
		return
	}
	m.attributes(want, got, path)
	wantKids, gotKids := want.ChildElements(), got.ChildElements()
	if len(wantKids) == 0 && len(gotKids) == 0 {
		if !m.vars.matchText(want.Text(), got.Text()) {
			m.differ(path, quote(want.Text()), quote(got.Text()))
		}
		return
	}
	m.children(wantKids, gotKids, path)
}

func (m *matcher) attributes(want, got *etree.Element, path string) {
	for _, a := range want.Attr {
		g := got.SelectAttr(a.FullKey())
		switch {
		case g == nil:
			m.differ(path+"/@"+a.FullKey(), quote(a.Value), "no such attribute")
		case !m.vars.matchText(a.Value, g.Value):
			m.differ(path+"/@"+a.FullKey(), quote(a.Value), quote(g.Value))
		}
	}
	if m.partial {
		return
	}
	for _, a := range got.Attr {
		if want.SelectAttr(a.FullKey()) == nil && a.Space != "xmlns" && a.Key != "xmlns" {
			m.differ(path+"/@"+a.FullKey(), "no such attribute", quote(a.Value))
		}
	}
}

// children pairs same-named children in order and compares each pair.
func (m *matcher) children(want, got []*etree.Element, path string) {
	wantBy, order := byTag(want)
	gotBy, gotOrder := byTag(got)
	for _, tag := range order {
		w, g := wantBy[tag], gotBy[tag]
		if len(w) != len(g) {
			m.differ(path+"/"+tag, count(len(w), tag), count(len(g), tag))
		}
		for i := range min(len(w), len(g)) {
			p := path + "/" + tag
			if len(w) > 1 || len(g) > 1 {
				p = fmt.Sprintf("%s[%d]", p, i+1)
			}
			m.element(w[i], g[i], p)
		}
	}
	if m.partial {
		return
	}
	for _, tag := range gotOrder {
		if wantBy[tag] == nil {
			m.differ(path+"/"+tag, "no such element", clip(render(gotBy[tag][0])))
		}
	}
}

func byTag(els []*etree.Element) (map[string][]*etree.Element, []string) {
	by := map[string][]*etree.Element{}
	var order []string
	for _, e := range els {
		if by[e.Tag] == nil {
			order = append(order, e.Tag)
		}
		by[e.Tag] = append(by[e.Tag], e)
	}
	return by, order
}

func count(n int, tag string) string {
	if n == 1 {
		return "1 <" + tag + ">"
	}
	return fmt.Sprintf("%d <%s>", n, tag)
}

func quote(s string) string { return fmt.Sprintf("%q", strings.TrimSpace(s)) }

func render(e *etree.Element) string {
	doc := etree.NewDocument()
	doc.SetRoot(e.Copy())
	s, _ := doc.WriteToString()
	return s
}

// clip shortens s for a one-line report.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 160 {
		return s[:157] + "..."
	}
	return s
}
