package acd

import (
	"slices"
	"strings"

	"github.com/finessed/finessed/model"
)

// maxWrapUpReason is Finesse's limit for a wrap-up reason's label.
const maxWrapUpReason = 39

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
		if m.WrapUpReason != nil {
			d.WrapUpReason = *m.WrapUpReason
		}
	}
	call.DTMF += req.DTMF
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
