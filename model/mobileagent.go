package model

import "github.com/beevik/etree"

// MobileAgent is how a mobile agent is reached: each customer call placed
// to DialNumber (Mode CALL_BY_CALL), or one call for the whole shift that
// stays up between customer calls (NAILED_CONNECTION).
type MobileAgent struct {
	Mode       string
	DialNumber string
}

// The mobile agent modes.
const (
	MobileCallByCall = "CALL_BY_CALL"
	MobileNailed     = "NAILED_CONNECTION"
)

func (m MobileAgent) element() *etree.Element {
	el := etree.NewElement("mobileAgent")
	addText(el, "dialNumber", m.DialNumber)
	addText(el, "mode", m.Mode)
	return el
}

func parseMobileAgent(parent *etree.Element) *MobileAgent {
	el := parent.SelectElement("mobileAgent")
	if el == nil {
		return nil
	}
	return &MobileAgent{Mode: childText(el, "mode"), DialNumber: childText(el, "dialNumber")}
}
