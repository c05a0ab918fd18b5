package acd

import (
	"slices"
	"time"

	"github.com/finessed/finessed/model"
)

// CallState is where a customer call is in its life.
type CallState string

// The states of a customer call.
const (
	CallQueued    CallState = "QUEUED"
	CallAlerting  CallState = "ALERTING"
	CallConnected CallState = "CONNECTED"
	CallEnded     CallState = "ENDED"
)

// Call is a customer call the simulator brought in: it waits in a queue,
// is offered to an agent (a Dialog), is answered and ends. It plays the
// part of the phone system's call, which Finesse itself never shows.
type Call struct {
	ID           string
	Queue        string
	ANI          string
	DNIS         string
	Variables    []model.CallVariable
	Preroute     bool
	Transferred  bool // sent back to a queue by TRANSFER_SST: its next agent sees TRANSFER
	State        CallState
	DialogID     string
	Agent        string
	Enqueued     time.Time
	RingDeadline time.Time // an offered call goes back to the queue then
	Ended        time.Time
	DTMF         string // digits the agents sent, for scripts to check
	// Media is the nonvoice MRD of a task (a chat, an email); "" for a call.
	Media string
}

// Clone is a copy of c sharing no slice or map with it, as the memory
// store hands each reader its own.
func (c Call) Clone() Call {
	c.Variables = slices.Clone(c.Variables)
	return c
}

// Dialog is acd's record of a Finesse Dialog: a call as the agents on it
// see it, with every party. Monitor, barge and preview reservations are
// dialogs too (a CallType and parties of their own), so they fit here.
type Dialog struct {
	ID           string
	CallID       string // the customer call, for ACD calls
	CallType     string
	From, To     string
	DialedNumber string
	DNIS         string
	Queue        string
	QueueName    string
	Variables    []model.CallVariable
	WrapUpReason string
	State        string
	Parties      []Party
	Created      time.Time
	// AnswerDeadline is when an outside number that answers picks up.
	AnswerDeadline time.Time
	Ended          time.Time
	// Associated is, for a consult, the dialog it was started from;
	// Secondary, after a transfer, the consult it replaced.
	Associated string
	Secondary  string
	// Monitor links a silent monitor and the call it listens to: on the
	// SUPERVISOR_MONITOR dialog, the monitored call's dialog; on the
	// monitored call, the monitor's (stale once the monitor ended).
	Monitor string
	// Outbound ties a dialog to the campaign contact it calls; zero for
	// every other call.
	Outbound OutboundLeg
	// Media is the nonvoice MRD of a task's dialog; "" for a call's.
	Media string
}

// Party is one participant of a dialog: an agent's device or an outside
// number.
type Party struct {
	Address     string // extension or outside number
	AddressType string // AGENT_DEVICE for agents
	Agent       string // the agent on this device, if any
	State       string // INITIATING, ALERTING, ACTIVE, HELD, DROPPED, FAILED, WRAP_UP
	Cause       string // for FAILED
	Start       time.Time
	Changed     time.Time
	// Consult is the consult dialog this party's agent started while this
	// call is on hold; once it is answered (ConsultReady) TRANSFER and
	// CONFERENCE are offered.
	Consult      string
	ConsultReady bool
	// Supervisor marks a supervisor who barged in: it leaves the call
	// without wrap-up, back to where it was before it monitored.
	Supervisor bool
}

// Clone is a copy of d sharing no slice or map with it, as the memory
// store hands each reader its own.
func (d Dialog) Clone() Dialog {
	d.Variables = slices.Clone(d.Variables)
	d.Parties = slices.Clone(d.Parties)
	return d
}

// party finds the party of agent in d.
func (d *Dialog) party(agent string) (*Party, bool) {
	for i := range d.Parties {
		if d.Parties[i].Agent == agent {
			return &d.Parties[i], true
		}
	}
	return nil, false
}

// The participant states Finesse reports.
const (
	PartyInitiating = "INITIATING"
	PartyInitiated  = "INITIATED"
	PartyFailed     = "FAILED"
	PartyAlerting   = "ALERTING"
	PartyActive     = "ACTIVE"
	PartyHeld       = "HELD"
	PartyDropped    = "DROPPED"
	PartyWrapUp     = "WRAP_UP"
)

// The dialog states.
const (
	DialogInitiating = "INITIATING"
	DialogFailed     = "FAILED"
	DialogAlerting   = "ALERTING"
	DialogActive     = "ACTIVE"
	DialogDropped    = "DROPPED"
)
