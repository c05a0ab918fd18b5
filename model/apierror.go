package model

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// APIError is one error as Finesse reports it, synchronously in an HTTP body
// or asynchronously in an Update.
type APIError struct {
	Type    string // ErrorType: "Invalid Input", "Invalid State", ...
	Message string // ErrorMessage: a description or a CTI constant
	Data    string // ErrorData: the offending field, id or CTI code
	Media   string // ErrorMedia: the MRD id of a media error, else ""
	// Peripheral is what the phone system said, on the errors a UCCE
	// Finesse passes on from it (Invalid Device); zero on the others.
	Peripheral PeripheralError
}

// PeripheralError is the phone system's own account of a refusal, as an
// error Update carries it in peripheralErrorCode, peripheralErrorText and
// peripheralErrorMsg.
type PeripheralError struct {
	Code, Text, Msg string
}

// Error makes APIError an error value.
func (e APIError) Error() string {
	return e.Type + ": " + e.Message + " (" + e.Data + ")"
}

// APIErrorsElement renders the synchronous HTTP error body <ApiErrors>.
func APIErrorsElement(errs ...APIError) *etree.Element {
	el := etree.NewElement("ApiErrors")
	for _, e := range errs {
		ae := el.CreateElement("ApiError")
		addText(ae, "ErrorData", e.Data)
		if e.Media != "" {
			addText(ae, "ErrorMedia", e.Media)
		}
		addText(ae, "ErrorMessage", e.Message)
		addText(ae, "ErrorType", e.Type)
	}
	return el
}

// asyncErrorsElement renders <apiErrors> for an error Update, with the child
// order live servers use: errorType, errorMessage, errorData.
func asyncErrorsElement(errs []APIError) *etree.Element {
	el := etree.NewElement("apiErrors")
	for _, e := range errs {
		ae := el.CreateElement("apiError")
		addText(ae, "errorType", e.Type)
		addText(ae, "errorMessage", e.Message)
		addText(ae, "errorData", e.Data)
		if e.Media != "" {
			addText(ae, "errorMedia", e.Media)
		}
		if p := e.Peripheral; p != (PeripheralError{}) {
			addText(ae, "peripheralErrorCode", p.Code)
			addText(ae, "peripheralErrorText", p.Text)
			addText(ae, "peripheralErrorMsg", p.Msg)
		}
	}
	return el
}

// ParseAPIErrors reads either error shape: the synchronous
// <ApiErrors><ApiError><ErrorType> body or the <apiErrors><apiError><errorType>
// of an error Update. Tags are matched without regard to case, as the two
// shapes differ only in that.
func ParseAPIErrors(el *etree.Element) ([]APIError, error) {
	if !strings.EqualFold(el.Tag, "apiErrors") {
		return nil, fmt.Errorf("parse ApiErrors: %w: element <%s>, want <ApiErrors>", ErrMalformed, el.Tag)
	}
	var errs []APIError
	for _, ae := range el.ChildElements() {
		if !strings.EqualFold(ae.Tag, "apiError") {
			continue
		}
		e := APIError{
			Type:    childTextFold(ae, "errorType"),
			Message: childTextFold(ae, "errorMessage"),
			Data:    childTextFold(ae, "errorData"),
			Media:   childTextFold(ae, "errorMedia"),
		}
		e.Peripheral = PeripheralError{
			Code: childTextFold(ae, "peripheralErrorCode"),
			Text: childTextFold(ae, "peripheralErrorText"),
			Msg:  childTextFold(ae, "peripheralErrorMsg"),
		}
		errs = append(errs, e)
	}
	return errs, nil
}

// childTextFold is childText matching name without regard to case.
func childTextFold(parent *etree.Element, name string) string {
	for _, child := range parent.ChildElements() {
		if strings.EqualFold(child.Tag, name) {
			return child.Text()
		}
	}
	return ""
}
