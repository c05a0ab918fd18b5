package model

import (
	"fmt"

	"github.com/beevik/etree"
)

// ReasonCode is a NOT_READY or LOGOUT reason. System codes (999, 50002,
// 32767, ...) are not configured but still appear on users.
type ReasonCode struct {
	ID         string
	Category   ReasonCategory
	Code       int
	Label      string
	ForAll     bool
	SystemCode bool
}

// URI is the resource address of the reason code.
func (r ReasonCode) URI() string { return "/finesse/api/ReasonCode/" + r.ID }

// Element renders r as <root>, which is ReasonCode in REST bodies and
// reasonCode inside a Team's users.
func (r ReasonCode) Element(root string) *etree.Element {
	el := etree.NewElement(root)
	addText(el, "category", string(r.Category))
	addInt(el, "code", r.Code)
	addBool(el, "forAll", r.ForAll)
	addText(el, "id", r.ID)
	addText(el, "label", r.Label)
	addBool(el, "systemCode", r.SystemCode)
	addText(el, "uri", r.URI())
	return el
}

// ReasonCodesElement renders a <ReasonCodes> list.
func ReasonCodesElement(codes []ReasonCode) *etree.Element {
	el := etree.NewElement("ReasonCodes")
	for _, c := range codes {
		el.AddChild(c.Element("ReasonCode"))
	}
	return el
}

// WrapUpReason is a reason an agent applies to a call during wrap-up.
type WrapUpReason struct {
	ID     string
	Label  string
	ForAll bool
}

// URI is the resource address of the wrap-up reason.
func (w WrapUpReason) URI() string { return "/finesse/api/WrapUpReason/" + w.ID }

// Element renders w as <WrapUpReason>.
func (w WrapUpReason) Element() *etree.Element {
	el := etree.NewElement("WrapUpReason")
	addBool(el, "forAll", w.ForAll)
	addText(el, "label", w.Label)
	addText(el, "uri", w.URI())
	return el
}

// WrapUpReasonsElement renders a <WrapUpReasons> list.
func WrapUpReasonsElement(reasons []WrapUpReason) *etree.Element {
	el := etree.NewElement("WrapUpReasons")
	for _, w := range reasons {
		el.AddChild(w.Element())
	}
	return el
}

// ParseReasonCode reads a ReasonCode from its element (<ReasonCode> or
// <reasonCode>).
func ParseReasonCode(el *etree.Element) (ReasonCode, error) {
	r := fieldReader{el: el}
	rc := ReasonCode{
		ID:         r.text("id"),
		Category:   ReasonCategory(r.text("category")),
		Code:       r.integer("code"),
		Label:      r.text("label"),
		ForAll:     r.boolean("forAll"),
		SystemCode: r.boolean("systemCode"),
	}
	if r.err != nil {
		return ReasonCode{}, fmt.Errorf("parse ReasonCode %s: %w", rc.ID, r.err)
	}
	return rc, nil
}

// ParseWrapUpReason reads a <WrapUpReason>, whose id is only in its uri.
func ParseWrapUpReason(el *etree.Element) (WrapUpReason, error) {
	r := fieldReader{el: el}
	w := WrapUpReason{
		ID:     lastSegment(r.text("uri")),
		Label:  r.text("label"),
		ForAll: r.boolean("forAll"),
	}
	if r.err != nil {
		return WrapUpReason{}, fmt.Errorf("parse WrapUpReason %s: %w", w.ID, r.err)
	}
	return w, nil
}
