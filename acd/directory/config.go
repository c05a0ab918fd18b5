package directory

import (
	"time"

	"github.com/finessed/finessed/model"
)

// Config is the directory and behaviour of one deployment, as a config file
// spells it. Package config reads it from YAML; the demo directory is one.
type Config struct {
	XMPPDomain string         `yaml:"xmppDomain"`
	Settings   Settings       `yaml:"settings"`
	Users      []UserConfig   `yaml:"users"`
	Teams      []TeamConfig   `yaml:"teams"`
	Queues     []QueueConfig  `yaml:"queues"`
	Devices    []string       `yaml:"devices"` // extensions, or ranges such as "3001-3020"
	Reasons    []ReasonConfig `yaml:"reasonCodes"`
	WrapUps    []WrapUpConfig `yaml:"wrapUpReasons"`
	PhoneBooks []BookConfig   `yaml:"phoneBooks"`
	DialPlan   []DialRule     `yaml:"dialPlan"`
	// MediaPropertiesLayout is how desktops show a call's data (nil: the
	// ten call variables in two columns).
	MediaPropertiesLayout *LayoutConfig `yaml:"mediaPropertiesLayout"`
	// MediaPropertiesLayouts are custom layouts, each for its teams.
	MediaPropertiesLayouts []LayoutConfig `yaml:"mediaPropertiesLayouts"`
	// MediaDomains are the nonvoice MRDs (chat, email...).
	MediaDomains []MediaDomainConfig `yaml:"mediaDomains"`
	// Workflows and WorkflowActions are what desktops run on call events.
	Workflows       []WorkflowConfig       `yaml:"workflows"`
	WorkflowActions []WorkflowActionConfig `yaml:"workflowActions"`
}

// DialRule says how the outside numbers matching Pattern behave when an
// agent calls them. Pattern is a number, or a prefix ending in "*" ("*"
// alone matches every number). Rules are tried in order; a number no rule
// matches answers after two seconds.
type DialRule struct {
	Pattern string `yaml:"pattern"`
	// Behaviour is answer (after AnswerAfter), ring (forever), busy or
	// invalid.
	Behaviour   string        `yaml:"behaviour"`
	AnswerAfter time.Duration `yaml:"answerAfter"`
}

// Settings are the deployment-wide behaviour switches and timers.
type Settings struct {
	// DeploymentType is UCCE (the default) or UCCX and selects the
	// transition rules and system reason codes that differ between them.
	DeploymentType string        `yaml:"deploymentType"`
	WrapUpTimer    time.Duration `yaml:"wrapUpTimer"`
	RingNoAnswer   time.Duration `yaml:"ringNoAnswer"`
	// LockoutAttempts bad passwords in a row lock an account for
	// LockoutDuration.
	LockoutAttempts int           `yaml:"lockoutAttempts"`
	LockoutDuration time.Duration `yaml:"lockoutDuration"`
	TimezoneOffset  int           `yaml:"timezoneOffset"` // minutes east of UTC
	// DesktopGrace is how long a user may be without a notification
	// session before the engine forces the agent out (reason 255).
	DesktopGrace time.Duration `yaml:"desktopGrace"`
	// QueueStatsInterval is how often Queue notifications may go out, and
	// then only for queues whose statistics changed (Finesse: 10 s).
	QueueStatsInterval time.Duration `yaml:"queueStatsInterval"`
	// LogoutOnAgentDisconnect is UCCE's LOAD setting: when off (the
	// default) a forced-out agent goes NOT_READY (50002); when on, or on
	// UCCX, it is signed out.
	LogoutOnAgentDisconnect bool `yaml:"logoutOnAgentDisconnect"`
	// EnableDropParticipantFor is who may drop another party from a
	// conference (PARTICIPANT_DROP), as Finesse's CLI property of that
	// name: DropBySupervisor (the default), DropByControllerAndSupervisor
	// or DropByAll.
	EnableDropParticipantFor string `yaml:"enableDropParticipantFor"`
}

// The values of Settings.EnableDropParticipantFor.
const (
	DropBySupervisor              = "supervisor_only"
	DropByControllerAndSupervisor = "conference_controller_and_supervisor"
	DropByAll                     = "all"
)

// UserConfig is one user of the directory.
type UserConfig struct {
	ID        string `yaml:"id"` // the loginId (agent id)
	LoginName string `yaml:"loginName"`
	FirstName string `yaml:"firstName"`
	LastName  string `yaml:"lastName"`
	// Password is a plain password; PasswordHash a bcrypt hash of one. A
	// user has exactly one of them.
	Password     string       `yaml:"password"`
	PasswordHash string       `yaml:"passwordHash"`
	Roles        []model.Role `yaml:"roles"`
	Team         string       `yaml:"team"`       // the team the user is an agent of
	Supervises   []string     `yaml:"supervises"` // teams, for supervisors
	// MobileAgent allows the user to sign in as a mobile agent (UCCE),
	// reached on a phone number of its choosing.
	MobileAgent bool `yaml:"mobileAgent"`
}

// TeamConfig is one team and the wrap-up rules of its agents.
type TeamConfig struct {
	ID               string           `yaml:"id"`
	Name             string           `yaml:"name"`
	WrapUpOnIncoming model.WrapUpMode `yaml:"wrapUpOnIncoming"`
	WrapUpOnOutgoing model.WrapUpMode `yaml:"wrapUpOnOutgoing"`
}

// QueueConfig is one queue (skill group), its agents and how it picks
// among them (longest-available, round-robin, fewest-calls or ring-all).
type QueueConfig struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Agents   []string `yaml:"agents"`
	Strategy string   `yaml:"strategy"`
	// Priority orders an agent's queues when it becomes READY: calls of
	// higher-priority queues first, then the longest-waiting call.
	Priority int `yaml:"priority"`
	// DialedNumber is the number that reaches the queue (a route point):
	// a call transferred to it (TRANSFER_SST) goes back into the queue,
	// and a simulator call may name it instead of the queue.
	DialedNumber string `yaml:"dialedNumber"`
}

// ReasonConfig is one configured NOT_READY or LOGOUT reason code.
type ReasonConfig struct {
	ID       string               `yaml:"id"`
	Category model.ReasonCategory `yaml:"category"`
	Code     int                  `yaml:"code"`
	Label    string               `yaml:"label"`
	Teams    []string             `yaml:"teams"` // empty: for all teams
}

// WrapUpConfig is one wrap-up reason.
type WrapUpConfig struct {
	ID    string   `yaml:"id"`
	Label string   `yaml:"label"`
	Teams []string `yaml:"teams"` // empty: for all teams
}

// BookConfig is one phone book with its contacts.
type BookConfig struct {
	ID       string          `yaml:"id"`
	Name     string          `yaml:"name"`
	Teams    []string        `yaml:"teams"` // empty: a global phone book
	Contacts []ContactConfig `yaml:"contacts"`
}

// ContactConfig is one phone book entry.
type ContactConfig struct {
	FirstName   string `yaml:"firstName"`
	LastName    string `yaml:"lastName"`
	PhoneNumber string `yaml:"phoneNumber"`
	Description string `yaml:"description"`
}
