package acd

import (
	"slices"
	"strings"

	"github.com/finessed/finessed/model"
)

// maxWrapUpReason is Finesse's limit for a wrap-up reason's label.
const maxWrapUpReason = 39

// Finesse's bounds on ECC variables (user.*): a value carries at most 210
// bytes, and a call's ECC names and values together at most 2000.
const (
	maxECCValue = 210
	maxECCTotal = 2000
)

// maxKeptDTMF bounds the digits a call remembers having been sent: only
// the simulator shows them, and an agent may send DTMF all call long.
const maxKeptDTMF = 256

// CheckVariableBounds refuses call variables that Finesse could not
// carry: an ECC value over 210 bytes, more than 2000 bytes of ECC names
// and values, or a variable given twice (which would let one request
// repeat a variable until the body limit).
func CheckVariableBounds(vars []model.CallVariable) error {
	total := 0
	seen := make(map[string]bool, len(vars))
	for _, v := range vars {
		if seen[v.Name] {
			return refuse(ErrInvalidInput, v.Name, "a call variable is given once")
		}
		seen[v.Name] = true
		if !strings.HasPrefix(v.Name, "user.") {
			continue
		}
		if len(v.Value) > maxECCValue {
			return refuse(ErrInvalidInput, v.Name, "an ECC variable holds at most 210 bytes")
		}
		if total += len(v.Name) + len(v.Value); total > maxECCTotal {
			return refuse(ErrInvalidInput, v.Name, "a call's ECC variables hold at most 2000 bytes, names and values together")
		}
	}
	return nil
}

// checkActionData refuses, at once, action data that can never be valid:
// an UPDATE_CALL_DATA without media properties or with a bad variable or
// an overlong wrap-up reason, a SEND_DTMF without digits or with digits
// the deployment's phones cannot send (UCCE 0-9 * # A-D, UCCX 0-9 * #).
func (e *Engine) checkActionData(req DialogRequest) error {
	switch req.Action {
	case "CONSULT_CALL", "TRANSFER_SST":
		if req.ToAddress == "" {
			return refuse(ErrParameterMissing, "toAddress", req.Action+" needs a toAddress")
		}
		if req.ToAddress == req.TargetMediaAddress {
			return refuse(ErrInvalidDestination, "toAddress", "a call to yourself")
		}
	case "UPDATE_CALL_DATA":
		m := req.MediaProperties
		if m == nil {
			return refuse(ErrParameterMissing, "mediaProperties", "UPDATE_CALL_DATA needs mediaProperties")
		}
		if m.WrapUpReason != nil && len(*m.WrapUpReason) > maxWrapUpReason {
			return refuse(ErrInvalidInput, "wrapUpReason", "a wrap-up reason holds at most 39 bytes")
		}
		return checkVariables(m.Variables)
	case "SEND_DTMF":
		if req.DTMF == "" {
			return refuse(ErrParameterMissing, "dtmfString", "SEND_DTMF needs the dtmfString action parameter")
		}
		digits := "0123456789*#ABCD"
		if e.dir.UCCX() {
			digits = "0123456789*#"
		}
		if strings.Trim(req.DTMF, digits) != "" {
			return refuse(ErrInvalidInput, "dtmfString", "DTMF digits are "+digits)
		}
	}
	return nil
}

// changeCallData applies UPDATE_CALL_DATA or SEND_DTMF: the new data is on
// the dialog (and the customer call) for every agent on it to see.
func (e *Engine) changeCallData(tx Tx, d Dialog, req DialogRequest) error {
	var call Call
	var found bool
	if d.CallID != "" {
		var err error
		if call, found, err = tx.Call(d.CallID); err != nil {
			return err
		}
	}
	if m := req.MediaProperties; m != nil {
		d.Variables = mergeVariables(d.Variables, m.Variables)
		call.Variables = mergeVariables(call.Variables, m.Variables)
		// Each request is bounded, but new ECC names add up.
		if err := CheckVariableBounds(d.Variables); err != nil {
			return err
		}
		if err := CheckVariableBounds(call.Variables); err != nil {
			return err
		}
		if m.WrapUpReason != nil {
			d.WrapUpReason = *m.WrapUpReason
		}
	}
	call.DTMF += req.DTMF
	call.DTMF = call.DTMF[max(0, len(call.DTMF)-maxKeptDTMF):]
	tx.PutDialog(d)
	if found {
		tx.PutCall(call)
	}
	tx.Emit(e.dialogChanged(d, req.RequestID))
	if m := req.MediaProperties; m != nil && m.WrapUpReason != nil {
		return e.wrapUpDataApplied(tx, d)
	}
	return nil
}

// mergeVariables sets each of changes in vars, by name, adding new ones.
func mergeVariables(vars, changes []model.CallVariable) []model.CallVariable {
	vars = slices.Clone(vars)
	for _, c := range changes {
		i := slices.IndexFunc(vars, func(v model.CallVariable) bool { return v.Name == c.Name })
		if i < 0 {
			vars = append(vars, c)
		} else {
			vars[i].Value = c.Value
		}
	}
	return vars
}
