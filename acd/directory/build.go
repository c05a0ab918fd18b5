package directory

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/finessed/finessed/model"
)

func (d *Directory) addTeams(cfg Config) error {
	for _, tc := range cfg.Teams {
		if tc.ID == "" || d.teams[tc.ID] != nil {
			return fmt.Errorf("team %q: id missing or repeated", tc.ID)
		}
		t := &Team{ID: tc.ID, Name: tc.Name, WrapUpOnIncoming: tc.WrapUpOnIncoming, WrapUpOnOutgoing: tc.WrapUpOnOutgoing}
		if t.WrapUpOnIncoming == "" {
			t.WrapUpOnIncoming = model.WrapUpOptional
		}
		if t.WrapUpOnOutgoing == "" {
			t.WrapUpOnOutgoing = model.WrapUpOptional
		}
		if !t.WrapUpOnIncoming.Valid() || !t.WrapUpOnOutgoing.Valid() {
			return fmt.Errorf("team %s: unknown wrap-up mode", tc.ID)
		}
		d.teams[t.ID] = t
		d.teamOrder = append(d.teamOrder, t.ID)
	}
	return nil
}

func (d *Directory) addUsers(cfg Config) error {
	for _, uc := range cfg.Users {
		u, err := d.newUser(uc)
		if err != nil {
			return fmt.Errorf("user %q: %w", uc.ID, err)
		}
		d.users[u.ID] = u
		if u.LoginName != "" {
			d.byLoginName[u.LoginName] = u
		}
		d.userOrder = append(d.userOrder, u.ID)
	}
	return nil
}

func (d *Directory) newUser(uc UserConfig) (*User, error) {
	if err := CheckUsername(uc.ID); err != nil {
		return nil, err
	}
	if d.users[uc.ID] != nil || d.byLoginName[uc.ID] != nil {
		return nil, errors.New("id repeated")
	}
	if uc.LoginName != "" {
		if err := CheckUsername(uc.LoginName); err != nil {
			return nil, err
		}
		if d.byLoginName[uc.LoginName] != nil || d.users[uc.LoginName] != nil {
			return nil, fmt.Errorf("loginName %q repeated", uc.LoginName)
		}
	}
	sec, err := newSecret(uc.Password, uc.PasswordHash)
	if err != nil {
		return nil, err
	}
	u := &User{ID: uc.ID, LoginName: uc.LoginName, FirstName: uc.FirstName, LastName: uc.LastName, Roles: uc.Roles, MobileAgent: uc.MobileAgent, secret: sec}
	if len(u.Roles) == 0 {
		u.Roles = []model.Role{model.RoleAgent}
	}
	for _, r := range u.Roles {
		if r != model.RoleAgent && r != model.RoleSupervisor && r != model.RoleAdmin {
			return nil, fmt.Errorf("unknown role %q", r)
		}
	}
	if uc.Team != "" {
		t, ok := d.teams[uc.Team]
		if !ok {
			return nil, fmt.Errorf("unknown team %q", uc.Team)
		}
		u.Team = t
		t.Agents = append(t.Agents, u)
	}
	for _, id := range uc.Supervises {
		t, ok := d.teams[id]
		if !ok {
			return nil, fmt.Errorf("supervises unknown team %q", id)
		}
		u.Supervises = append(u.Supervises, t)
	}
	if len(u.Supervises) > 0 && !u.HasRole(model.RoleSupervisor) {
		return nil, errors.New("supervises teams without the Supervisor role")
	}
	return u, nil
}

// CheckUsername applies Finesse's username rule: 7-bit printable ASCII
// without / \ [ ] : ; | = , + * ? < >.
func CheckUsername(name string) error {
	if name == "" {
		return errors.New("empty username")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 33 || c > 126 || strings.IndexByte(`/\[]:;|=,+*?<>`, c) >= 0 {
			return fmt.Errorf("username %q: character %q is not allowed", name, c)
		}
	}
	return nil
}

func (d *Directory) addQueues(cfg Config) error {
	for _, qc := range cfg.Queues {
		if qc.ID == "" || d.queues[qc.ID] != nil {
			return fmt.Errorf("queue %q: id missing or repeated", qc.ID)
		}
		if err := checkStrategy(qc.Strategy); err != nil {
			return fmt.Errorf("queue %s: %w", qc.ID, err)
		}
		q := &Queue{ID: qc.ID, Name: qc.Name, Strategy: qc.Strategy, Priority: qc.Priority, DialedNumber: qc.DialedNumber}
		for _, id := range qc.Agents {
			u, ok := d.users[id]
			if !ok {
				return fmt.Errorf("queue %s: unknown agent %q", qc.ID, id)
			}
			q.Agents, q.agentIDs = append(q.Agents, u), append(q.agentIDs, u.ID)
			u.Queues = append(u.Queues, q)
		}
		d.queues[q.ID] = q
		d.queueOrder = append(d.queueOrder, q.ID)
	}
	return nil
}

// addQueueNumbers indexes the queues' dialed numbers, each a number of one
// queue alone and no extension, so that a call to it has one meaning.
func (d *Directory) addQueueNumbers(Config) error {
	d.queueDialed = map[string]*Queue{}
	for _, id := range d.queueOrder {
		q := d.queues[id]
		switch n := q.DialedNumber; {
		case n == "":
			continue
		case !IsDialString(n):
			return fmt.Errorf("queue %s: dialedNumber %q is not a number", id, n)
		case d.devices[n]:
			return fmt.Errorf("queue %s: dialedNumber %s is an extension", id, n)
		case d.queueDialed[n] != nil:
			return fmt.Errorf("queue %s: dialedNumber %s is queue %s's too", id, n, d.queueDialed[n].ID)
		}
		d.queueDialed[q.DialedNumber] = q
	}
	return nil
}

func (d *Directory) addDevices(cfg Config) error {
	exts, err := ExpandDevices(cfg.Devices)
	if err != nil {
		return err
	}
	for _, ext := range exts {
		d.devices[ext] = true
	}
	return nil
}

// ExpandDevices spells out a config's devices: each extension as written,
// each range ("3001-3020") as its extensions in order. Every tool that
// reads a config's devices goes through here, so that they all agree.
func ExpandDevices(specs []string) ([]string, error) {
	var out []string
	for _, spec := range specs {
		// An extension is kept as written: read as a number, "+15550100"
		// and "0100" would lose their sign and leading zero and never match
		// the extension an agent signs in with.
		if IsDialString(spec) {
			out = append(out, spec)
			continue
		}
		from, to, _ := strings.Cut(spec, "-")
		lo, err1 := strconv.Atoi(from)
		hi, err2 := strconv.Atoi(to)
		if !isDigits(from) || !isDigits(to) || err1 != nil || err2 != nil || lo > hi || hi-lo > 100000 {
			return nil, fmt.Errorf("device %q: want an extension or a range such as 3001-3020", spec)
		}
		width := 0 // ends of the same width keep their leading zeros: 0001-0020
		if len(from) == len(to) {
			width = len(from)
		}
		for n := lo; n <= hi; n++ {
			out = append(out, fmt.Sprintf("%0*d", width, n))
		}
	}
	return out, nil
}

func isDigits(s string) bool { return IsDialString(s) && s[0] != '+' }

// IsDialString reports whether s can be dialled: digits with an optional
// leading +, at most 32 characters.
func IsDialString(s string) bool {
	digits := strings.TrimPrefix(s, "+")
	if digits == "" || len(s) > 32 {
		return false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}
