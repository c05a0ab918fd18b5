package bosh

import (
	"bytes"
	"encoding/xml"
	"errors"
	"strconv"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/xmpp"
)

// Namespaces of the BOSH wrapper and what it carries.
const (
	// NSHTTPBind is the namespace of the <body/> wrapper (XEP-0124).
	NSHTTPBind = "http://jabber.org/protocol/httpbind"
	// NSXBOSH is XEP-0206's namespace for xmpp:version and xmpp:restart.
	NSXBOSH  = "urn:xmpp:xbosh"
	nsStream = "http://etherx.jabber.org/streams"
	nsSASL   = "urn:ietf:params:xml:ns:xmpp-sasl"
	nsBind   = "urn:ietf:params:xml:ns:xmpp-bind"
)

// MaxBody is the largest request body accepted (64 KiB, as for a stanza on
// the other transports).
const MaxBody = 64 << 10

// maxRID is the largest rid XEP-0124 §14.1 allows (2^53-1), so that
// JavaScript clients can count it.
const maxRID = 1<<53 - 1

// body is one parsed request <body/>.
type body struct {
	el      *etree.Element
	sid     string
	rid     int64 // 0 when missing or invalid
	typ     string
	restart bool
}

var errNotBody = errors.New("bosh: the root element is not a BOSH <body/>")

// parseBody reads a request. The wrapper's namespace may be missing (a few
// hand-rolled clients omit it) but its name must be body.
func parseBody(data []byte) (*body, error) {
	if b, ok := parsePoll(data); ok {
		return b, nil
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		return nil, err
	}
	el := doc.Root()
	if el == nil || el.Tag != "body" || el.Space != "" {
		return nil, errNotBody
	}
	if ns := el.NamespaceURI(); ns != NSHTTPBind && ns != "" {
		return nil, errNotBody
	}
	b := &body{el: el, sid: el.SelectAttrValue("sid", ""), typ: el.SelectAttrValue("type", "")}
	if rid, err := strconv.ParseInt(el.SelectAttrValue("rid", ""), 10, 64); err == nil && rid > 0 && rid <= maxRID {
		b.rid = rid
	}
	for _, a := range el.Attr {
		if a.Key == "restart" && a.Space != "" && a.NamespaceURI() == NSXBOSH && a.Value == "true" {
			b.restart = true
		}
	}
	return b, nil
}

// xmlSpace is white space as XML counts it.
const xmlSpace = " \t\r\n"

// parsePoll reads the commonest request, an empty body of a session
// (a poll, or an ack of the last response), without building a document:
// every desktop sends one after each response. It takes only unprefixed
// attributes with plain values, a sid among them, and the wrapper's own
// namespace or none; anything else is left to the full parser.
func parsePoll(data []byte) (*body, bool) {
	rest, ok := bytes.CutPrefix(bytes.Trim(data, xmlSpace), []byte("<body"))
	if !ok {
		return nil, false
	}
	// Empty, as <body .../> or as <body ...></body>, which some clients
	// (and finesse load) write.
	rest, ok = bytes.CutSuffix(rest, []byte("/>"))
	if !ok {
		if rest, ok = bytes.CutSuffix(rest, []byte("></body>")); !ok {
			return nil, false
		}
	}
	attrs := map[string]string{}
	for {
		trimmed := bytes.TrimLeft(rest, xmlSpace)
		if len(trimmed) == 0 {
			break
		}
		if len(trimmed) == len(rest) {
			return nil, false // attributes must be separated by white space
		}
		var name, value string
		if name, value, rest, ok = cutAttr(trimmed); !ok || attrs[name] != "" {
			return nil, false
		}
		attrs[name] = value
	}
	if ns, ok := attrs["xmlns"]; ok && ns != NSHTTPBind {
		return nil, false
	}
	b := &body{el: etree.NewElement("body"), sid: attrs["sid"], typ: attrs["type"]}
	if b.sid == "" {
		return nil, false
	}
	if rid, err := strconv.ParseInt(attrs["rid"], 10, 64); err == nil && rid > 0 && rid <= maxRID {
		b.rid = rid
	}
	return b, true
}

// cutAttr reads name='value' or name="value" from the start of s: a name
// of letters, digits, '-' and '_', and a non-empty value without markup
// or references.
func cutAttr(s []byte) (name, value string, rest []byte, ok bool) {
	eq := bytes.IndexByte(s, '=')
	if eq <= 0 || len(s) < eq+3 {
		return "", "", nil, false
	}
	for i, c := range s[:eq] {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '-' || c == '_')) {
			return "", "", nil, false
		}
	}
	quote := s[eq+1]
	if quote != '\'' && quote != '"' {
		return "", "", nil, false
	}
	end := bytes.IndexByte(s[eq+2:], quote)
	if end <= 0 {
		return "", "", nil, false
	}
	v := s[eq+2 : eq+2+end]
	for _, c := range v {
		if c < 0x20 || c > 0x7e || c == '<' || c == '&' {
			return "", "", nil, false
		}
	}
	return string(s[:eq]), string(v), s[eq+3+end:], true
}

// sniffSID finds the sid of a body that could not be parsed (malformed or
// too large): the start tag comes first, so it usually can be read.
func sniffSID(data []byte) string {
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		tok, err := d.RawToken()
		if err != nil {
			return ""
		}
		if start, ok := tok.(xml.StartElement); ok {
			for _, a := range start.Attr {
				if a.Name.Space == "" && a.Name.Local == "sid" {
					return a.Value
				}
			}
			return ""
		}
	}
}

// item is one element to send: BOSH's own (SASL, features, the bind
// result) or a batch of stanzas from the xmpp.Session's queue, which must
// be acknowledged with Written once it reached the client.
type item struct {
	raw   []byte
	batch *xmpp.Batch
}

const bodyOpen = "<body xmlns='" + NSHTTPBind + "'"

// renderBody renders a response wrapper around items.
func renderBody(items []item) []byte {
	if len(items) == 0 {
		return []byte(bodyOpen + "/>")
	}
	buf := make([]byte, 0, 512)
	buf = append(buf, bodyOpen+">"...)
	buf = appendItems(buf, items)
	return append(buf, "</body>"...)
}

// ending is why a session ends: a BOSH terminal condition ("" for a plain
// terminate, as when the client asked for it), with the stream error for
// remote-stream-error (XEP-0206 §7).
type ending struct {
	condition string
	streamErr *xmpp.StreamError
	why       string // for the log, where condition does not say it
}

// reason is why the session ended, for the log.
func (e *ending) reason() string {
	switch {
	case e.why != "":
		return e.why
	case e.streamErr != nil:
		return e.streamErr.Condition + ": " + e.streamErr.Text
	case e.condition == "":
		return "the client terminated the session"
	}
	return e.condition
}

// renderTerminate renders the terminal response, carrying what is still
// pending (such as presence unavailable from finesse) before the error.
func renderTerminate(e *ending, items []item) []byte {
	buf := make([]byte, 0, 256)
	buf = append(buf, bodyOpen+" type='terminate'"...)
	if e.condition != "" {
		buf = append(buf, " condition='"...)
		buf = append(buf, e.condition...)
		buf = append(buf, '\'')
	}
	if len(items) == 0 && e.streamErr == nil {
		return append(buf, "/>"...)
	}
	buf = append(buf, '>')
	buf = appendItems(buf, items)
	if e.streamErr != nil {
		buf = append(buf, e.streamErr.Bytes()...)
	}
	return append(buf, "</body>"...)
}

func appendItems(buf []byte, items []item) []byte {
	for _, it := range items {
		if it.batch == nil {
			buf = append(buf, it.raw...)
			continue
		}
		it.batch.Each(func(head, body []byte) {
			buf = appendStanza(buf, head)
			buf = append(buf, body...)
		})
	}
	return buf
}

// appendStanza appends a stanza (or its head), putting it in jabber:client:
// the core renders stanzas for a stream whose default namespace is
// jabber:client, and inside a <body/> they would otherwise inherit the
// httpbind namespace (XEP-0206 §8 requires jabber:client).
func appendStanza(buf, head []byte) []byte {
	if len(head) < 2 || head[0] != '<' {
		return append(buf, head...)
	}
	i := 1
	for i < len(head) && !isTagEnd(head[i]) {
		i++
	}
	if hasDefaultNamespace(head[i:]) {
		return append(buf, head...)
	}
	buf = append(buf, head[:i]...)
	buf = append(buf, " xmlns='"+xmpp.NSClient+"'"...)
	return append(buf, head[i:]...)
}

func isTagEnd(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' || c == '>'
}

// hasDefaultNamespace reports whether the attributes of a start tag (what
// follows its name) include xmlns=. Quoted values are skipped, since they
// may hold any character but <.
func hasDefaultNamespace(attrs []byte) bool {
	i := 0
	for i < len(attrs) {
		switch c := attrs[i]; {
		case c == '>' || c == '/':
			return false
		case isTagEnd(c):
			i++
			continue
		}
		start := i
		for i < len(attrs) && attrs[i] != '=' && !isTagEnd(attrs[i]) {
			i++
		}
		name := attrs[start:i]
		for i < len(attrs) && attrs[i] != '\'' && attrs[i] != '"' {
			if attrs[i] == '>' {
				return false
			}
			i++
		}
		if i == len(attrs) {
			return false
		}
		quote := attrs[i]
		end := bytes.IndexByte(attrs[i+1:], quote)
		if end < 0 {
			return false
		}
		if string(name) == "xmlns" {
			return true
		}
		i += end + 2
	}
	return false
}
