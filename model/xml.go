package model

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"
)

// TimeLayout is the timestamp format Finesse uses in stateChangeTime,
// startTime and currentTimestamp: UTC with milliseconds.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// ErrMalformed reports a document that is not well-formed XML or does not have
// the expected root element.
var ErrMalformed = errors.New("malformed XML")

// FormatTime renders t in TimeLayout, or "" for the zero time, which Finesse
// sends as an empty element when a time is unknown.
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// ParseTime reads a TimeLayout timestamp; "" gives the zero time.
func ParseTime(s string) (time.Time, error) { return parseTimeIn(TimeLayout, s) }

// parseTimeIn is ParseTime for another layout, because Queue statistics use
// seconds precision.
func parseTimeIn(layout, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

// addText appends <name>value</name> to parent.
func addText(parent *etree.Element, name, value string) *etree.Element {
	el := parent.CreateElement(name)
	if value != "" {
		el.SetText(value)
	}
	return el
}

// addInt appends <name>n</name> to parent.
func addInt(parent *etree.Element, name string, n int) {
	addText(parent, name, strconv.Itoa(n))
}

// addBool appends <name>true|false</name> to parent.
func addBool(parent *etree.Element, name string, b bool) {
	addText(parent, name, strconv.FormatBool(b))
}

// childText is the text of parent's first child called name, or "".
func childText(parent *etree.Element, name string) string {
	if el := parent.SelectElement(name); el != nil {
		return el.Text()
	}
	return ""
}

// Marshal renders el as a compact XML document without an XML declaration,
// an empty element as <x/>: for stanzas and other XML of ours.
func Marshal(el *etree.Element) []byte {
	return marshal(el, etree.NewDocument())
}

// MarshalDocument renders a Finesse document (a REST resource or ApiErrors
// body) as Marshal does, but an empty element as <x></x>, as real Finesse
// writes it, for clients that match strings.
func MarshalDocument(el *etree.Element) []byte {
	return marshal(el, newDocument())
}

func marshal(el *etree.Element, doc *etree.Document) []byte {
	doc.SetRoot(el.Copy())
	var buf bytes.Buffer
	doc.WriteTo(&buf)
	return buf.Bytes()
}

// newDocument is a document that writes an empty element as <x></x>, as
// real Finesse does, rather than <x/>.
func newDocument() *etree.Document {
	doc := etree.NewDocument()
	doc.WriteSettings.CanonicalEndTags = true
	return doc
}

// ParseRoot reads data as an XML document and returns its root element,
// which must be called one of names (any root when names is empty).
func ParseRoot(data []byte, names ...string) (*etree.Element, error) {
	doc := etree.NewDocument()
	doc.ReadSettings.Permissive = false
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	root, err := onlyRoot(doc)
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return root, nil
	}
	for _, n := range names {
		if root.Tag == n {
			return root, nil
		}
	}
	return nil, fmt.Errorf("%w: root element <%s>, want <%s>", ErrMalformed, root.Tag, names[0])
}

// onlyRoot returns the document's single element. etree accepts text and
// further elements beside the root, which well-formed XML forbids.
func onlyRoot(doc *etree.Document) (*etree.Element, error) {
	var root *etree.Element
	for _, tok := range doc.Child {
		switch tok := tok.(type) {
		case *etree.Element:
			if root != nil {
				return nil, fmt.Errorf("%w: element <%s> after root element <%s>", ErrMalformed, tok.Tag, root.Tag)
			}
			root = tok
		case *etree.CharData:
			if !tok.IsWhitespace() {
				return nil, fmt.Errorf("%w: text outside the root element", ErrMalformed)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	return root, nil
}

// pathText is the text of the first element at path below parent, or "".
func pathText(parent *etree.Element, path string) string {
	if el := parent.FindElement(path); el != nil {
		return el.Text()
	}
	return ""
}

// lastSegment is what follows the last "/" of uri: the id of the resource
// for the types whose id Finesse sends only inside <uri>.
func lastSegment(uri string) string {
	return uri[strings.LastIndexByte(uri, '/')+1:]
}

// fieldReader reads the children of one element, which may be nil for an
// absent optional element, and keeps the first error so that a parser can
// read every field in a row and check once.
type fieldReader struct {
	el  *etree.Element
	err error
}

// text is the text of the child called name, or "".
func (r *fieldReader) text(name string) string {
	if r.el == nil {
		return ""
	}
	return childText(r.el, name)
}

// integer reads the child called name; missing or empty is 0, since
// optional numbers such as wrapUpTimer are left out when they do not apply.
func (r *fieldReader) integer(name string) int {
	s := r.text(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	r.fail(name, err)
	return n
}

// boolean reads the child called name; missing or empty is false.
func (r *fieldReader) boolean(name string) bool {
	s := r.text(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	r.fail(name, err)
	return b
}

// timestamp reads the child called name in layout; missing or empty is the
// zero time.
func (r *fieldReader) timestamp(name, layout string) time.Time {
	t, err := parseTimeIn(layout, r.text(name))
	r.fail(name, err)
	return t
}

// fail records err, naming the field, unless an earlier error is kept.
func (r *fieldReader) fail(name string, err error) {
	if err != nil && r.err == nil {
		r.err = fmt.Errorf("%s: %w", name, err)
	}
}
