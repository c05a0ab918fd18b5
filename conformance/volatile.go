package conformance

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// volatile turns what differs from one run or server to the next into
// placeholders as a recording is made: timestamps become {{*}}; dialog
// and simulator call ids become {{dialog1}}, {{call1}}... in the order
// they first appear, the same name wherever the same id appears again
// (in documents, URIs and later request paths).
type volatile struct {
	names map[string]string // "dialog:7" -> "dialog1"
	count map[string]int
}

func newVolatile() *volatile { return &volatile{names: map[string]string{}, count: map[string]int{}} }

var (
	timestamp = regexp.MustCompile(`\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:?\d\d)\b`)
	dialogURI = regexp.MustCompile(`(/finesse/api/Dialog/)([^/<\s]+)`)
	callURI   = regexp.MustCompile(`(/acd/Call/)([^/<\s]+)`)
)

// name is the placeholder for id of kind, made on first sight.
func (v *volatile) name(kind, id string) string {
	key := kind + ":" + id
	if n, ok := v.names[key]; ok {
		return n
	}
	v.count[kind]++
	n := kind + strconv.Itoa(v.count[kind])
	v.names[key] = n
	return n
}

// path replaces the ids in a request path or node by their placeholders.
func (v *volatile) path(p string) string {
	p = dialogURI.ReplaceAllStringFunc(p, func(m string) string {
		sub := dialogURI.FindStringSubmatch(m)
		return sub[1] + "{{" + v.name("dialog", sub[2]) + "}}"
	})
	return callURI.ReplaceAllStringFunc(p, func(m string) string {
		sub := callURI.FindStringSubmatch(m)
		return sub[1] + "{{" + v.name("call", sub[2]) + "}}"
	})
}

// pattern turns a received document into a pattern, indented for reading.
func (v *volatile) pattern(doc string) string {
	d := etree.NewDocument()
	if err := d.ReadFromString(strings.TrimSpace(doc)); err != nil || d.Root() == nil {
		return doc
	}
	v.element(d.Root())
	d.Indent(2)
	s, _ := d.WriteToString()
	return s
}

func (v *volatile) element(e *etree.Element) {
	kids := e.ChildElements()
	if len(kids) == 0 {
		e.SetText(v.text(e, strings.TrimSpace(e.Text())))
	}
	for _, k := range kids {
		v.element(k)
	}
}

// text is the pattern of one element's text.
func (v *volatile) text(e *etree.Element, t string) string {
	if t == "" {
		return t
	}
	parent := ""
	if p := e.Parent(); p != nil {
		parent = p.Tag
	}
	switch {
	case e.Tag == "id" && (parent == "Dialog" || parent == "dialog"):
		return "{{" + v.name("dialog", t) + "}}"
	case e.Tag == "id" && parent == "Call", e.Tag == "callId":
		return "{{" + v.name("call", t) + "}}"
	case e.Tag == "dialogId":
		return "{{" + v.name("dialog", t) + "}}"
	}
	t = timestamp.ReplaceAllString(t, "{{*}}")
	return v.path(t)
}
