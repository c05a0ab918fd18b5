package directory

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/finessed/finessed/model"
)

// Directory is the configured, unchanging side of a deployment: who the
// users are, their teams and queues, the devices they may sign in on and the
// reason codes they may give. Every node builds the same Directory from the
// same config.
type Directory struct {
	Domain   string
	Settings Settings

	users       map[string]*User // by loginId
	byLoginName map[string]*User
	teams       map[string]*Team
	queues      map[string]*Queue
	queueDialed map[string]*Queue // by dialed number
	devices     map[string]bool
	reasons     map[string]model.ReasonCode
	reasonTeams map[string][]string
	wrapUps     []wrapUp
	books       []phoneBook
	workflows   []teamWorkflow
	teamLayouts []teamLayout
	media       []*MediaDomain
	actions     []model.WorkflowAction
	dialPlan    []DialRule
	layout      model.MediaPropertiesLayout

	userOrder, teamOrder, queueOrder, reasonOrder []string
}

// User is a person the directory knows: an agent, a supervisor or an
// administrator.
type User struct {
	ID         string
	LoginName  string
	FirstName  string
	LastName   string
	Roles      []model.Role
	Team       *Team   // nil for a user who is not an agent of any team
	Supervises []*Team // teams a supervisor supervises
	Queues     []*Queue
	// MediaDomains are the nonvoice MRDs the user may sign in to.
	MediaDomains []*MediaDomain
	// MobileAgent is whether the user may sign in as a mobile agent.
	MobileAgent bool
	secret      secret
}

// Team is a configured team.
type Team struct {
	ID               string
	Name             string
	WrapUpOnIncoming model.WrapUpMode
	WrapUpOnOutgoing model.WrapUpMode
	Agents           []*User
}

// Queue is a configured queue (skill group).
type Queue struct {
	ID           string
	Name         string
	Agents       []*User
	Strategy     string
	Priority     int
	DialedNumber string
	agentIDs     []string // the ids of Agents, for batch reads
}

// AgentIDs are the ids of q's agents, in config order, for batch reads.
func (q *Queue) AgentIDs() []string { return q.agentIDs }

type wrapUp struct {
	reason model.WrapUpReason
	teams  []string
}

type phoneBook struct {
	book  model.PhoneBook
	teams []string
}

// String names u by id. It keeps the secret out of logs and test output,
// which %v of the struct would otherwise print.
func (u *User) String() string { return "user " + u.ID }

// HasRole reports whether u holds role r.
func (u *User) HasRole(r model.Role) bool { return slices.Contains(u.Roles, r) }

// IsAgent reports whether u can sign in and take calls.
func (u *User) IsAgent() bool {
	return u.HasRole(model.RoleAgent) || u.HasRole(model.RoleSupervisor)
}

// IsAdmin reports whether u may use the administration resources.
func (u *User) IsAdmin() bool { return u.HasRole(model.RoleAdmin) }

// SupervisesTeam reports whether u supervises team id.
func (u *User) SupervisesTeam(id string) bool {
	for _, t := range u.Supervises {
		if t.ID == id {
			return true
		}
	}
	return false
}

// SupervisesAgent reports whether u supervises a team that agent is on.
func (u *User) SupervisesAgent(agent *User) bool {
	return agent.Team != nil && u.SupervisesTeam(agent.Team.ID)
}

// NewDirectory checks cfg and builds the directory it describes.
func NewDirectory(cfg Config) (*Directory, error) {
	d := &Directory{
		Domain:      cfg.XMPPDomain,
		Settings:    withDefaults(cfg.Settings),
		users:       map[string]*User{},
		byLoginName: map[string]*User{},
		teams:       map[string]*Team{},
		queues:      map[string]*Queue{},
		devices:     map[string]bool{},
		reasons:     map[string]model.ReasonCode{},
		reasonTeams: map[string][]string{},
	}
	if d.Domain == "" {
		d.Domain = "localhost"
	}
	if err := d.Settings.check(); err != nil {
		return nil, err
	}
	steps := []func(Config) error{
		d.addTeams, d.addUsers, d.addQueues, d.addDevices, d.addQueueNumbers, d.addReasons, d.addWrapUps, d.addBooks, d.addDialPlan, d.addLayout, d.addWorkflows, d.addMedia,
	}
	for _, step := range steps {
		if err := step(cfg); err != nil {
			return nil, fmt.Errorf("directory: %w", err)
		}
	}
	return d, nil
}

func withDefaults(s Settings) Settings {
	if s.DeploymentType == "" {
		s.DeploymentType = "UCCE"
	}
	if s.WrapUpTimer == 0 {
		s.WrapUpTimer = 60 * time.Second
	}
	if s.RingNoAnswer == 0 {
		s.RingNoAnswer = 15 * time.Second
	}
	if s.LockoutAttempts == 0 {
		s.LockoutAttempts = 5
	}
	if s.LockoutDuration == 0 {
		s.LockoutDuration = 5 * time.Minute
	}
	if s.DesktopGrace == 0 {
		s.DesktopGrace = 60 * time.Second
	}
	if s.QueueStatsInterval == 0 {
		s.QueueStatsInterval = 10 * time.Second
	}
	if s.EnableDropParticipantFor == "" {
		s.EnableDropParticipantFor = DropBySupervisor
	}
	return s
}

func (s Settings) check() error {
	if s.DeploymentType != "UCCE" && s.DeploymentType != "UCCX" {
		return fmt.Errorf("settings: deploymentType %q is neither UCCE nor UCCX", s.DeploymentType)
	}
	if s.WrapUpTimer < time.Second || s.WrapUpTimer > 7200*time.Second {
		return fmt.Errorf("settings: wrapUpTimer %v is outside 1s..2h", s.WrapUpTimer)
	}
	if s.LockoutAttempts < 1 || s.LockoutDuration < 0 {
		return fmt.Errorf("settings: lockout needs at least one attempt and a non-negative duration")
	}
	switch s.EnableDropParticipantFor {
	case DropBySupervisor, DropByControllerAndSupervisor, DropByAll:
	default:
		return fmt.Errorf("settings: enableDropParticipantFor %q is none of %s, %s, %s",
			s.EnableDropParticipantFor, DropBySupervisor, DropByControllerAndSupervisor, DropByAll)
	}
	return nil
}

// UCCX reports whether the deployment follows UCCX rather than UCCE rules.
func (d *Directory) UCCX() bool { return d.Settings.DeploymentType == "UCCX" }

// User finds a user by loginId or, failing that, by loginName.
func (d *Directory) User(idOrName string) (*User, bool) {
	if u, ok := d.users[idOrName]; ok {
		return u, true
	}
	u, ok := d.byLoginName[idOrName]
	return u, ok
}

// UserByID finds a user by loginId alone.
func (d *Directory) UserByID(id string) (*User, bool) {
	u, ok := d.users[id]
	return u, ok
}

// UserFold finds a user by loginId or loginName ignoring case, as XMPP
// clients lower-case the local part of a JID.
func (d *Directory) UserFold(idOrName string) (*User, bool) {
	if u, ok := d.User(idOrName); ok {
		return u, true
	}
	for _, id := range d.userOrder {
		u := d.users[id]
		if strings.EqualFold(u.ID, idOrName) || strings.EqualFold(u.LoginName, idOrName) {
			return u, true
		}
	}
	return nil, false
}

// Users lists every user in config order.
func (d *Directory) Users() []*User {
	out := make([]*User, 0, len(d.userOrder))
	for _, id := range d.userOrder {
		out = append(out, d.users[id])
	}
	return out
}

// Team finds a team by id.
func (d *Directory) Team(id string) (*Team, bool) {
	t, ok := d.teams[id]
	return t, ok
}

// Teams lists every team in config order.
func (d *Directory) Teams() []*Team {
	out := make([]*Team, 0, len(d.teamOrder))
	for _, id := range d.teamOrder {
		out = append(out, d.teams[id])
	}
	return out
}

// Queue finds a queue by id.
func (d *Directory) Queue(id string) (*Queue, bool) {
	q, ok := d.queues[id]
	return q, ok
}

// Queues lists every queue in config order.
func (d *Directory) Queues() []*Queue {
	out := make([]*Queue, 0, len(d.queueOrder))
	for _, id := range d.queueOrder {
		out = append(out, d.queues[id])
	}
	return out
}

// IsDevice reports whether ext is a configured device.
func (d *Directory) IsDevice(ext string) bool { return d.devices[ext] }

// QueueDialedAt is the queue whose dialed number is number.
func (d *Directory) QueueDialedAt(number string) (*Queue, bool) {
	q, ok := d.queueDialed[number]
	return q, ok
}
