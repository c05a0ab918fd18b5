package rest

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// Bounds on what a request can make the engine keep: every value below
// ends up in a call, a dialog or an event, which the event log (and a
// shared Redis stream) holds on to long after the request.
const (
	// maxRequestID: real clients send UUIDs; Finesse documents no bound.
	maxRequestID = 256
	// maxAddress bounds toAddress, fromAddress, targetMediaAddress, ani
	// and dnis. Finesse documents none; the CTI protocol it speaks
	// carries a dialled number in a field of at most 40 bytes.
	maxAddress = 40
	// maxDTMF is the CTI protocol's DTMFString field, 32 bytes.
	maxDTMF = 32
)

func invalidInput(field, detail string) error {
	return &acd.RequestError{Kind: acd.ErrInvalidInput, Field: field, Detail: detail}
}

// checkRequestID refuses a requestId header too long to copy into an
// event.
func checkRequestID(r *http.Request) error {
	if utf8.RuneCountInString(r.Header.Get("requestId")) > maxRequestID {
		return invalidInput("requestId", "a requestId holds at most "+strconv.Itoa(maxRequestID)+" characters")
	}
	return nil
}

// field is one value of a request body and its bound.
type field struct {
	name, value string
	max         int
}

func checkFields(fields ...field) error {
	for _, f := range fields {
		if len(f.value) > f.max {
			return invalidInput(f.name, f.name+" holds at most "+strconv.Itoa(f.max)+" bytes")
		}
	}
	return nil
}

// checkDialogRequest bounds a Dialog body, PUT or POST: its addresses,
// its DTMF digits and its call variables.
func checkDialogRequest(req model.DialogRequest) error {
	err := checkFields(
		field{"toAddress", req.ToAddress, maxAddress},
		field{"fromAddress", req.FromAddress, maxAddress},
		field{"targetMediaAddress", req.TargetMediaAddress, maxAddress},
		field{"dtmfString", actionParam(req, "dtmfString"), maxDTMF},
		field{"outboundClassification", actionParam(req, "outboundClassification"), maxAddress},
		field{"callbackTime", actionParam(req, "callbackTime"), maxAddress},
		field{"callbackNumber", actionParam(req, "callbackNumber"), maxAddress},
	)
	if err != nil || req.MediaProperties == nil {
		return err
	}
	return acd.CheckVariableBounds(req.MediaProperties.CallVariables)
}

// checkSimCall bounds a simulator call's numbers and variables.
func checkSimCall(c model.SimCall) error {
	if err := checkFields(field{"ani", c.ANI, maxAddress}, field{"dnis", c.DNIS, maxAddress}); err != nil {
		return err
	}
	return acd.CheckVariableBounds(c.Variables)
}
