package acd

import "github.com/finessed/finessed/model"

// The asynchronous refusals, reported as apiErrors Updates with the CTI
// constants a UCCE-backed Finesse sends.
var (
	asyncInvalidState  = model.APIError{Type: "Invalid State", Message: "CF_INVALID_OBJECT_STATE", Data: "22"}
	asyncAgentWorkMode = model.APIError{Type: "Invalid State", Message: "CF_INVALID_AGENT_WORKMODE", Data: "265"}
)

// asyncInvalidDevice refuses a sign-in on an extension that is no device.
// UCCE captures carry the CTI code 260 as errorData and the peripheral's
// own account; ours says which extension it was, as no CUCM stands behind.
func asyncInvalidDevice(ext string) model.APIError {
	return model.APIError{
		Type: "Invalid Device", Message: "CF_INVALID_LOGON_DEVICE_SPECIFIED", Data: "260",
		Peripheral: model.PeripheralError{Code: "0", Text: "Invalid Device", Msg: "extension " + ext + " is not a device of this system"},
	}
}

func asyncDeviceBusy(ext string) model.APIError {
	return model.APIError{Type: "Device Busy", Message: "CF_DEVICE_IN_USE", Data: ext}
}
