package acd

import (
	"slices"
	"strconv"
	"time"
)

// CampaignMode is how an Outbound Option campaign reaches its contacts.
type CampaignMode string

// The dialing modes of a campaign.
const (
	// ModePreview reserves an agent with the contact on its desktop; the
	// dialer calls the customer only once the agent accepts (UCCE).
	ModePreview CampaignMode = "PREVIEW"
	// ModeDirectPreview is the same, the call placed from the agent's own
	// phone (UCCX).
	ModeDirectPreview CampaignMode = "DIRECT_PREVIEW"
	// ModeProgressive reserves an agent and dials its contact at once.
	ModeProgressive CampaignMode = "PROGRESSIVE"
	// ModePredictive dials ahead of the agents it reserved, Ratio lines
	// an agent, and connects each customer who answers to one of them.
	ModePredictive CampaignMode = "PREDICTIVE"
)

// Valid reports whether m is one of the four modes.
func (m CampaignMode) Valid() bool {
	switch m {
	case ModePreview, ModeDirectPreview, ModeProgressive, ModePredictive:
		return true
	}
	return false
}

// previews reports whether the agent sees the contact before it is dialed.
func (m CampaignMode) previews() bool { return m == ModePreview || m == ModeDirectPreview }

// ContactStatus is where a campaign's contact stands.
type ContactStatus string

// The statuses of a contact.
const (
	ContactPending   ContactStatus = "PENDING"   // not tried yet, or due again
	ContactReserved  ContactStatus = "RESERVED"  // on an agent's desktop for preview
	ContactDialed    ContactStatus = "DIALED"    // the dialer is calling it
	ContactAnswered  ContactStatus = "ANSWERED"  // connected to an agent
	ContactRejected  ContactStatus = "REJECTED"  // the agent passed; tried again later
	ContactClosed    ContactStatus = "CLOSED"    // not to be called again in this campaign
	ContactCallback  ContactStatus = "CALLBACK"  // due again at CallbackAt
	ContactBusy      ContactStatus = "BUSY"      // busy on its last attempt
	ContactNoAnswer  ContactStatus = "NO_ANSWER" // nobody answered its last attempt
	ContactInvalid   ContactStatus = "INVALID"   // not a number that can be called
	ContactAbandoned ContactStatus = "ABANDONED" // answered with no agent left to take it
)

// Campaign is an Outbound Option campaign of the simulator: its dialer's
// bookkeeping. Its contacts are records of their own (Contact), so that
// an agent's action on one contact does not contend with the dialer.
type Campaign struct {
	ID      string
	Name    string
	Mode    CampaignMode
	Queue   string
	Ratio   float64 // predictive: lines dialed per reserved agent
	Created time.Time
	Stopped time.Time
	// PersonalCallbacks brings a scheduled callback back to the agent who
	// scheduled it, rather than to any agent of the queue.
	PersonalCallbacks bool
	MaxAttempts       int

	Contacts int        // contacts 1..Contacts
	Next     int        // the next contact never tried (1-based); > Contacts when all were
	Retry    []Callback // contacts to try again, each once it is due
	// Callbacks are the scheduled callbacks, Lines the calls the dialer
	// has out, Reserved the agents a predictive campaign holds for its
	// customers.
	Callbacks []Callback
	Lines     []Line
	Reserved  []string
}

// Callback is a contact due again: at a time the customer chose, or after
// an attempt that reached nobody.
type Callback struct {
	Contact int
	Due     time.Time
	Agent   string // personal callbacks: the agent who scheduled it
}

// Line is a call the dialer has out to a customer: its outcome is known
// when it is placed (the dial plan says), and takes effect at Due.
type Line struct {
	Contact int
	Number  string // the number dialed: the contact's, or its callback number
	Agent   string // progressive: the agent reserved for this customer
	Due     time.Time
	Answers bool
}

// Clone is a copy of c sharing no slice with it.
func (c Campaign) Clone() Campaign {
	c.Retry = slices.Clone(c.Retry)
	c.Callbacks = slices.Clone(c.Callbacks)
	c.Lines = slices.Clone(c.Lines)
	c.Reserved = slices.Clone(c.Reserved)
	return c
}

// Active reports whether the campaign still dials.
func (c Campaign) Active() bool { return c.Stopped.IsZero() }

// Contact is one customer of a campaign, as the dialer and the agents
// who called it left it.
type Contact struct {
	Campaign      string
	N             int // its place in the campaign's list, from 1
	PhoneNumber   string
	FirstName     string
	LastName      string
	AccountNumber string
	TimeZone      string // IANA name; callback times are in this zone

	Status         ContactStatus
	Attempts       int
	Agent          string // the agent it was last reserved for or connected to
	Dialog         string
	Call           string
	Classification string
	CallbackAt     time.Time
	CallbackNumber string
	Updated        time.Time
}

// ID names c across campaigns, as BADialedListID shows it.
func (c Contact) ID() string { return c.Campaign + "-" + strconv.Itoa(c.N) }

// Number is where the next call to c goes: the callback number the
// customer gave, else its own.
func (c Contact) Number() string {
	if c.CallbackNumber != "" && c.Status == ContactCallback {
		return c.CallbackNumber
	}
	return c.PhoneNumber
}
