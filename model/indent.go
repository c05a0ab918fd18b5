package model

import (
	"bytes"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// MarshalIndent renders el as an indented XML document, the way Finesse
// pretty-prints the Update inside a notification: two spaces a level, text
// kept on its element's line, a newline at the end.
//
// It writes the bytes etree's Indent(2) and WriteTo would, without copying
// and re-indenting the tree: every state change renders one, so this sits
// on the event path.
func MarshalIndent(el *etree.Element) []byte {
	var b bytes.Buffer
	b.Grow(1024)
	if !writeIndented(&b, el, 1) {
		return marshalIndentTree(el)
	}
	b.WriteByte('\n')
	return b.Bytes()
}

// marshalIndentTree is MarshalIndent by way of etree, for trees holding
// what writeIndented does not render (comments, CDATA, instructions).
func marshalIndentTree(el *etree.Element) []byte {
	doc := newDocument()
	doc.SetRoot(el.Copy())
	doc.Indent(2)
	var buf bytes.Buffer
	doc.WriteTo(&buf)
	return buf.Bytes()
}

// writeIndented writes el with its child elements each on a line of its
// own at depth, dropping whitespace-only text as indenting does. It
// reports false, having written part of el, on meeting a comment, CDATA or
// an instruction.
func writeIndented(b *bytes.Buffer, el *etree.Element, depth int) bool {
	b.WriteByte('<')
	b.WriteString(el.FullTag())
	for _, a := range el.Attr {
		b.WriteByte(' ')
		b.WriteString(a.FullKey())
		b.WriteString(`="`)
		escapeXML(b, a.Value)
		b.WriteByte('"')
	}
	wrote, lastText := false, false
	for _, c := range el.Child {
		switch c := c.(type) {
		case *etree.CharData:
			if c.IsCData() {
				return false
			}
			if c.IsWhitespace() {
				continue
			}
			if !wrote {
				b.WriteByte('>')
			}
			escapeXML(b, c.Data)
			wrote, lastText = true, true
		case *etree.Element:
			if !wrote {
				b.WriteByte('>')
			}
			newline(b, depth)
			if !writeIndented(b, c, depth+1) {
				return false
			}
			wrote, lastText = true, false
		default:
			return false
		}
	}
	if !wrote {
		// <x></x>, not <x/>: real Finesse writes empty elements so, and
		// clients that match strings look for it.
		b.WriteString("></")
		b.WriteString(el.FullTag())
		b.WriteByte('>')
		return true
	}
	if !lastText {
		newline(b, depth-1)
	}
	b.WriteString("</")
	b.WriteString(el.FullTag())
	b.WriteByte('>')
	return true
}

func newline(b *bytes.Buffer, depth int) {
	b.WriteByte('\n')
	for range depth {
		b.WriteString("  ")
	}
}

// escapeXML writes s as etree does: the five predefined entities, and
// U+FFFD for what XML cannot carry.
func escapeXML(b *bytes.Buffer, s string) {
	last := 0
	for i := 0; i < len(s); {
		r, width := utf8.DecodeRuneInString(s[i:])
		i += width
		var esc string
		switch r {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '\'':
			esc = "&apos;"
		case '"':
			esc = "&quot;"
		case '\t', '\n', '\r':
			continue
		default:
			if xmlChar(r) && !(r == utf8.RuneError && width == 1) {
				continue
			}
			esc = "\uFFFD"
		}
		b.WriteString(s[last : i-width])
		b.WriteString(esc)
		last = i
	}
	b.WriteString(s[last:])
}

// xmlChar reports whether r may appear in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}
