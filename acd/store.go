package acd

import (
	"context"
	"time"

	"github.com/finessed/finessed/model"
)

// Agent is the live state of one agent: what changes as the agent signs in,
// changes state and takes calls. The directory holds the rest.
type Agent struct {
	ID                  string
	State               model.AgentState
	ReasonCodeID        string // "" (none), "-1" (no reason given) or a code id
	PendingState        model.AgentState
	PendingReasonCodeID string
	Extension           string
	StateChangeTime     time.Time
}

// signedOut is the state of an agent the Store has never seen.
func signedOut(id string) Agent { return Agent{ID: id, State: model.StateLogout} }

// Store keeps the live state and commits every change together with the
// events it causes.
type Store interface {
	// Update runs fn and commits what it wrote and emitted as one atomic
	// step. If fn returns an error nothing is committed. fn may be run more
	// than once when a concurrent change conflicts, so it must not act
	// outside tx.
	Update(ctx context.Context, fn func(tx Tx) error) error
	// Agent reads one agent's committed state.
	Agent(ctx context.Context, id string) (Agent, error)
	// Agents reads the committed state of every agent that has one.
	Agents(ctx context.Context) ([]Agent, error)
}

// Tx is one transaction of a Store.
type Tx interface {
	Agent(id string) (Agent, error)
	PutAgent(a Agent)
	// DeviceHolder is the id of the agent signed in on extension ext, or "".
	DeviceHolder(ext string) (string, error)
	SetDeviceHolder(ext, agentID string)
	// Emit adds an event to commit with the transaction; the Store assigns
	// its ID and Time.
	Emit(e Event)
}

// EventID orders the events of a Log; the first event is 1.
type EventID uint64

// Event is one Update document addressed to one or more pubsub nodes.
type Event struct {
	ID      EventID
	Time    time.Time // when it was committed
	Nodes   []string
	Payload []byte // the rendered <Update> document
}

// Log is the ordered record of committed events that notification services
// tail.
type Log interface {
	// Read returns, in order, at most max events whose ID is after after,
	// waiting until there is at least one or ctx is done. A log trimmed past
	// after returns its oldest retained events; the caller sees the gap in
	// their IDs.
	Read(ctx context.Context, after EventID, max int) ([]Event, error)
	// Last is the ID of the newest event, 0 for an empty log.
	Last(ctx context.Context) (EventID, error)
}
