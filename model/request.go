package model

import "fmt"

// UserRequest is the body of PUT /finesse/api/User/{id}: a state change, a
// sign-in (state LOGIN with an extension) or a sign-out.
type UserRequest struct {
	State        AgentState
	Extension    string
	ReasonCodeID string       // "" when absent
	MobileAgent  *MobileAgent // a mobile agent's sign-in, else nil
}

// ParseUserRequest reads a <User> request body. It checks only that the
// document is well formed; what the values mean is for the caller.
func ParseUserRequest(body []byte) (UserRequest, error) {
	root, err := ParseRoot(body, "User")
	if err != nil {
		return UserRequest{}, fmt.Errorf("parse User request: %w", err)
	}
	return UserRequest{
		State:        AgentState(childText(root, "state")),
		Extension:    childText(root, "extension"),
		ReasonCodeID: childText(root, "reasonCodeId"),
		MobileAgent:  parseMobileAgent(root),
	}, nil
}
