package acd

import (
	"context"
	"maps"
	"slices"
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

	// Desktops counts the user's available notification sessions on each
	// node, by node id, so that the survivor of a node's death knows whose
	// desktops died with it. When none is left, AwayDeadline is set: if no
	// session returns by then, the engine forces the agent out as Finesse
	// does. Cursor is the last event the user's sessions were given, for
	// replay to a desktop of the user that returns under a new resource
	// (one that returns under its own has its Desktop record).
	Desktops     map[string]int
	AwayDeadline time.Time
	Cursor       EventID

	// ReadySince orders READY agents for routing (longest available
	// first). Dialogs are the agent's live dialogs. WrapUpDeadline ends
	// WORK or WORK_READY by itself.
	ReadySince     time.Time
	Dialogs        []string
	WrapUpDeadline time.Time
	// WrapUpDialog is the ended call the agent is wrapping up: it stays on
	// the desktop, its party WRAP_UP, so a wrap-up reason can still be
	// applied. WrapUpNeedsData holds the agent in wrap-up until one is
	// (REQUIRED_WITH_WRAP_UP_DATA); the timer still ends it.
	WrapUpDialog    string
	WrapUpNeedsData bool
	// ReturnState is where an agent goes after a call it placed or took
	// between agents: the state it was in when the call began.
	ReturnState        model.AgentState
	ReturnReasonCodeID string
	// Mobile is how a mobile agent signed in is reached; zero for an
	// agent on a desk phone.
	Mobile model.MobileAgent
}

// Clone is a copy of a sharing no slice or map with it, as the memory
// store hands each reader its own.
func (a Agent) Clone() Agent {
	a.Dialogs = slices.Clone(a.Dialogs)
	a.Desktops = maps.Clone(a.Desktops)
	return a
}

// DesktopCount is how many notification sessions the user has on all
// nodes together.
func (a Agent) DesktopCount() int {
	n := 0
	for _, c := range a.Desktops {
		n += c
	}
	return n
}

// Desktop is one notification session of a user, kept by its full JID
// from the moment it becomes available until a grace period after it went
// away: where it is while available, so that the survivor of its node's
// death knows it was there, and what it had been given once it went away,
// so that coming back under the same JID it is replayed exactly what it
// missed, whatever the user's other desktops did meanwhile.
type Desktop struct {
	JID  string // user@domain/resource
	User string
	// Session tells apart two sessions under one JID: the departure of
	// one never overwrites the record of the next.
	Session string
	// Node holds the session while it is available; "" once it went away.
	Node string
	// Once away: every event up to Cursor was given or not owed, and the
	// rest is owed only if the session is back before Until.
	Cursor EventID
	Until  time.Time
	// Reaped marks a record another node took away as its node seemed
	// dead: if that node is alive and still holds the session, it takes
	// the record back (DesktopsHeld).
	Reaped bool
}

// Away reports whether the session went away.
func (d Desktop) Away() bool { return d.Node == "" }

// SignedOut is the state of an agent the Store has never seen.
func SignedOut(id string) Agent { return Agent{ID: id, State: model.StateLogout} }

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
	// Subscriptions reads a user's explicit pubsub subscriptions.
	Subscriptions(ctx context.Context, user string) ([]Subscription, error)
	// Call and Calls read the simulator's customer calls.
	Call(ctx context.Context, id string) (Call, bool, error)
	Calls(ctx context.Context) ([]Call, error)
	// Dialog and Dialogs read the dialogs.
	Dialog(ctx context.Context, id string) (Dialog, bool, error)
	Dialogs(ctx context.Context) ([]Dialog, error)
	// Desktops reads every notification session's record.
	Desktops(ctx context.Context) ([]Desktop, error)
	// TeamMessages reads every team message not yet deleted.
	TeamMessages(ctx context.Context) ([]TeamMessage, error)
	// Campaigns reads every outbound campaign, stopped ones too; Contacts
	// the contacts of one, in no particular order.
	Campaigns(ctx context.Context) ([]Campaign, error)
	Contacts(ctx context.Context, campaign string) ([]Contact, error)
	// ReasonCodes and WrapUpRecords read the administrators' records.
	ReasonCodes(ctx context.Context) ([]ReasonCodeRecord, error)
	WrapUpRecords(ctx context.Context) ([]WrapUpRecord, error)
	PhoneBookRecords(ctx context.Context) ([]PhoneBookRecord, error)
	WorkflowRecords(ctx context.Context) ([]WorkflowRecord, error)
	ActionRecords(ctx context.Context) ([]ActionRecord, error)
	LayoutRecords(ctx context.Context) ([]LayoutRecord, error)
}

// Tx is one transaction of a Store.
type Tx interface {
	Agent(id string) (Agent, error)
	// AgentsOf reads the agents with the given ids, in that order, as
	// Agent would one by one; a shared store reads them in one trip.
	AgentsOf(ids []string) ([]Agent, error)
	PutAgent(a Agent)
	// DeviceHolder is the id of the agent signed in on extension ext, or "".
	DeviceHolder(ext string) (string, error)
	SetDeviceHolder(ext, agentID string)
	Subscriptions(user string) ([]Subscription, error)
	PutSubscriptions(user string, subs []Subscription)
	Call(id string) (Call, bool, error)
	PutCall(c Call)
	DeleteCall(id string)
	Dialog(id string) (Dialog, bool, error)
	PutDialog(d Dialog)
	DeleteDialog(id string)
	// ReadyAgents is, from a READY index the Store keeps with every
	// commit, up to limit ids (all for limit 0) of queue's agents that could
	// take a call, longest available first, and whether the Store keeps one
	// (a shared store can; the memory store reports false and the engine
	// keeps its own). The ids are a hint: the caller reads each agent.
	ReadyAgents(queue string, limit int) ([]string, bool, error)
	// Waiting is the queue's calls waiting for an agent, oldest first.
	Waiting(queue string) ([]string, error)
	PutWaiting(queue string, calls []string)
	// NextID returns the next number of a sequence (dialog and call ids).
	NextID(sequence string) (string, error)
	// History is the agent's history. Its lists may share the store's
	// memory: change them by appending (appendBounded), never in place.
	History(agent string) (History, error)
	// PutHistory may keep h as it is: the caller must not change h's
	// lists after it.
	PutHistory(agent string, h History)
	// RoutingMark is what a queue's strategy remembers between offers
	// (round-robin: the agent offered the last call).
	RoutingMark(queue string) (string, error)
	PutRoutingMark(queue, mark string)
	// Desktop reads a notification session's record by its full JID.
	Desktop(jid string) (Desktop, bool, error)
	PutDesktop(d Desktop)
	DeleteDesktop(jid string)
	// TeamMessage reads a supervisor's broadcast by id.
	TeamMessage(id string) (TeamMessage, bool, error)
	PutTeamMessage(m TeamMessage)
	DeleteTeamMessage(id string)
	// Campaign reads an outbound campaign's dialer record, Contact one of
	// its contacts (numbered from 1).
	Campaign(id string) (Campaign, bool, error)
	PutCampaign(c Campaign)
	Contact(campaign string, n int) (Contact, bool, error)
	PutContact(c Contact)
	// MediaAgent reads a user's state in a nonvoice MRD.
	MediaAgent(agent, mrd string) (MediaAgent, bool, error)
	PutMediaAgent(m MediaAgent)
	// ReasonCode reads an administrator's record of reason code id.
	ReasonCode(id string) (ReasonCodeRecord, bool, error)
	PutReasonCode(r ReasonCodeRecord)
	// WrapUpRecord reads an administrator's record of wrap-up reason id.
	WrapUpRecord(id string) (WrapUpRecord, bool, error)
	PutWrapUpRecord(r WrapUpRecord)
	// PhoneBookRecord reads an administrator's record of phone book id.
	PhoneBookRecord(id string) (PhoneBookRecord, bool, error)
	PutPhoneBookRecord(r PhoneBookRecord)
	// PutWorkflowRecord and PutActionRecord keep an administrator's
	// workflow and workflow action records.
	PutWorkflowRecord(r WorkflowRecord)
	PutActionRecord(r ActionRecord)
	// PutLayoutRecord keeps an administrator's MediaPropertiesLayout.
	PutLayoutRecord(r LayoutRecord)
	// LastRequest is the last retry-safe request applied for a user.
	LastRequest(user string) (LastRequest, error)
	PutLastRequest(user string, r LastRequest)
	// Emit adds an event to commit with the transaction; the Store assigns
	// its ID and Time.
	Emit(e Event)
}

// EventID orders the events of a Log; the first event is 1.
type EventID uint64

// Event is one Update document addressed to one or more pubsub nodes, or
// a notice that a user's explicit subscriptions changed.
type Event struct {
	ID      EventID
	Time    time.Time // when it was committed
	Nodes   []string
	Payload []byte // the rendered <Update> document
	// SubscriptionsOf names the user whose explicit subscriptions this
	// event's transaction changed. Notification services reload them when
	// they reach the event, so every node applies the change in log order.
	SubscriptionsOf string

	// dialogPut is the dialog a PUT of the whole dialog is about, and
	// requestID the request it answers, so that a transaction publishes
	// only its last for the same request (emitbuffer.go); not stored.
	dialogPut, requestID string
}

// Subscription is an explicit pubsub subscription of a user to a node.
// JID is the bare JID (every session of the user) or a full JID (one
// session), as the subscribe request named it.
type Subscription struct {
	Node string
	JID  string
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
	// Epoch names this log's history: event IDs are unique only within an
	// epoch, so item ids built from them carry it.
	Epoch() string
}
