package xmpptest

import (
	"strings"

	"github.com/beevik/etree"

	"github.com/finessed/finessed/model"
)

// Condition is what an XMPP refusal says, for a person: the defined
// condition of an error stanza or a SASL failure (item-not-found,
// not-authorized) and its text when it has one, found anywhere in raw (a
// reply, or a BOSH body that carries one). It is "" when raw holds
// neither.
func Condition(raw string) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromString(raw); err != nil {
		return ""
	}
	for _, path := range []string{"//error", "//failure"} {
		for _, el := range doc.FindElements(path) {
			if cond := condition(el); cond != "" {
				return cond
			}
		}
	}
	return ""
}

// refusal is body's Condition, or body itself when it names none.
func refusal(body *etree.Element) string {
	raw := string(model.Marshal(body))
	if cond := Condition(raw); cond != "" {
		return cond
	}
	return raw
}

// condition is el's first child but <text>, and the text after it.
func condition(el *etree.Element) string {
	var cond, text string
	for _, child := range el.ChildElements() {
		switch {
		case child.Tag == "text":
			text = strings.TrimSpace(child.Text())
		case cond == "":
			cond = child.Tag
		}
	}
	if cond != "" && text != "" {
		cond += ": " + text
	}
	return cond
}
