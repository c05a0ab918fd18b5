package xmpp

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
)

// notificationBody renders the part of a pubsub notification that every
// recipient shares: the event, item and notification wrapping the Update
// as one escaped text node, then the message end.
func notificationBody(node, item string, update []byte) []byte {
	var b bytes.Buffer
	b.Grow(escapedLen(update) + len(node) + len(item) + 256)
	b.WriteString("<event xmlns='" + NSPubSubEvent + "'><items node='")
	b.WriteString(xmlAttr(node))
	b.WriteString("'><item id='")
	b.WriteString(xmlAttr(item))
	b.WriteString("'><notification xmlns='" + NSNotification + "'>")
	escapeText(&b, update)
	b.WriteString("</notification></item></items></event></message>")
	return b.Bytes()
}

// escapedLen is len(s) once escaped by escapeText. Sizing the buffer by
// it saves growing it: an indented Update is mostly markup, and its
// escaped form is a third longer.
func escapedLen(s []byte) int {
	n := len(s)
	for _, c := range s {
		switch c {
		case '&':
			n += 4
		case '<', '>':
			n += 3
		}
	}
	return n
}

// escapeText writes s as XML character data.
func escapeText(b *bytes.Buffer, s []byte) {
	last := 0
	for i, c := range s {
		var esc string
		switch c {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			continue
		}
		b.Write(s[last:i])
		b.WriteString(esc)
		last = i + 1
	}
	b.Write(s[last:])
}

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", "'", "&apos;", `"`, "&quot;")

// xmlAttr escapes s for a single-quoted attribute value.
func xmlAttr(s string) string { return attrEscaper.Replace(s) }

// messageHead is the per-recipient start of a notification message, with a
// fresh message id of 8 letters and digits as Finesse sends.
func (s *Session) messageHead() []byte {
	head := make([]byte, 0, len(s.msgPrefix)+10)
	head = append(head, s.msgPrefix...)
	head = s.ids.append(head)
	return append(head, "'>"...)
}

// msgIDs makes message ids from a per-session random generator, which is
// far cheaper than crypto/rand on the fan-out path and need not be secret.
type msgIDs struct{ r *rand.ChaCha8 }

func newMsgIDs() msgIDs {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], rand.Uint64())
	binary.LittleEndian.PutUint64(seed[8:], rand.Uint64())
	return msgIDs{rand.NewChaCha8(seed)}
}

func (m msgIDs) append(dst []byte) []byte {
	v := m.r.Uint64()
	for range 8 {
		dst = append(dst, idChars[v%uint64(len(idChars))])
		v /= uint64(len(idChars))
	}
	return dst
}
