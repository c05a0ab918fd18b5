package model

// AgentState is a voice agent state as Finesse names it.
type AgentState string

// The agent states. LOGIN is only ever requested, never reported.
const (
	StateLogin                   AgentState = "LOGIN"
	StateLogout                  AgentState = "LOGOUT"
	StateNotReady                AgentState = "NOT_READY"
	StateReady                   AgentState = "READY"
	StateReserved                AgentState = "RESERVED"
	StateReservedOutbound        AgentState = "RESERVED_OUTBOUND"
	StateReservedOutboundPreview AgentState = "RESERVED_OUTBOUND_PREVIEW"
	StateTalking                 AgentState = "TALKING"
	StateHold                    AgentState = "HOLD"
	StateWork                    AgentState = "WORK"
	StateWorkReady               AgentState = "WORK_READY"
	StateUnknown                 AgentState = "UNKNOWN"
)

var knownStates = map[AgentState]bool{
	StateLogin: true, StateLogout: true, StateNotReady: true, StateReady: true,
	StateReserved: true, StateReservedOutbound: true, StateReservedOutboundPreview: true,
	StateTalking: true, StateHold: true, StateWork: true, StateWorkReady: true, StateUnknown: true,
}

// Known reports whether s is one of the states Finesse defines.
func (s AgentState) Known() bool { return knownStates[s] }

// OnCall reports whether an agent in s is reserved for or on a call, so that a
// requested state change waits as the pending state.
func (s AgentState) OnCall() bool {
	switch s {
	case StateReserved, StateReservedOutbound, StateReservedOutboundPreview, StateTalking, StateHold:
		return true
	}
	return false
}

// WrappingUp reports whether an agent in s is in wrap-up after a call.
func (s AgentState) WrappingUp() bool { return s == StateWork || s == StateWorkReady }

// SignedIn reports whether an agent in s is signed in.
func (s AgentState) SignedIn() bool { return s != StateLogout && s != "" }

// Role is a Finesse user role.
type Role string

// The roles a user may hold.
const (
	RoleAgent      Role = "Agent"
	RoleSupervisor Role = "Supervisor"
	RoleAdmin      Role = "Administrator"
)

// WrapUpMode says whether wrap-up follows a call in one direction.
type WrapUpMode string

// The wrap-up modes of User settings.
const (
	WrapUpRequired         WrapUpMode = "REQUIRED"
	WrapUpRequiredWithData WrapUpMode = "REQUIRED_WITH_WRAP_UP_DATA"
	WrapUpOptional         WrapUpMode = "OPTIONAL"
	WrapUpNotAllowed       WrapUpMode = "NOT_ALLOWED"
)

// Valid reports whether m is one of the four wrap-up modes.
func (m WrapUpMode) Valid() bool {
	switch m {
	case WrapUpRequired, WrapUpRequiredWithData, WrapUpOptional, WrapUpNotAllowed:
		return true
	}
	return false
}

// ReasonCategory is the category of a reason code.
type ReasonCategory string

// The reason code categories.
const (
	CategoryNotReady ReasonCategory = "NOT_READY"
	CategoryLogout   ReasonCategory = "LOGOUT"
)
