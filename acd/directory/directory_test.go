package directory_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// smallConfig is a valid directory small enough that each validation case
// can break exactly one thing in it.
func smallConfig() directory.Config {
	agent := []model.Role{model.RoleAgent}
	return directory.Config{
		Teams: []directory.TeamConfig{{ID: "10", Name: "Sales"}, {ID: "20", Name: "Support"}},
		Users: []directory.UserConfig{
			{ID: "1001", LoginName: "agent1", Password: "pw", Roles: agent, Team: "10"},
			{ID: "1002", LoginName: "agent2", Password: "pw", Roles: agent, Team: "20"},
			{ID: "2001", Password: "pw", Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"10"}},
		},
		Queues:  []directory.QueueConfig{{ID: "100", Name: "Sales", Agents: []string{"1001"}}},
		Devices: []string{"3001-3003"},
		Reasons: []directory.ReasonConfig{{ID: "1", Category: model.CategoryNotReady, Code: 1, Label: "Break"}},
		WrapUps: []directory.WrapUpConfig{{ID: "1", Label: "Sale"}},
		PhoneBooks: []directory.BookConfig{{ID: "1", Name: "Company", Contacts: []directory.ContactConfig{
			{FirstName: "Front", LastName: "Desk", PhoneNumber: "5550100"},
		}}},
	}
}

func TestNewDirectoryAcceptsSmallConfig(t *testing.T) {
	if _, err := directory.NewDirectory(smallConfig()); err != nil {
		t.Fatal(err)
	}
	if _, err := directory.NewDirectory(demoConfig(t)); err != nil {
		t.Fatalf("demo: %v", err)
	}
}

func TestNewDirectoryRejects(t *testing.T) {
	type edit = func(*directory.Config)
	user := func(f func(*directory.UserConfig)) edit { return func(c *directory.Config) { f(&c.Users[0]) } }
	addUser := func(u directory.UserConfig) edit {
		return func(c *directory.Config) {
			if u.Password == "" && u.PasswordHash == "" {
				u.Password = "pw"
			}
			c.Users = append(c.Users, u)
		}
	}
	cases := []struct {
		name string
		edit edit
		want string // a part of the error
	}{
		{"empty user id", user(func(u *directory.UserConfig) { u.ID = "" }), "empty username"},
		{"space in user id", user(func(u *directory.UserConfig) { u.ID = "10 01" }), "not allowed"},
		{"tab in user id", user(func(u *directory.UserConfig) { u.ID = "10\t01" }), "not allowed"},
		{"DEL in user id", user(func(u *directory.UserConfig) { u.ID = "1001\x7f" }), "not allowed"},
		{"non-ASCII user id", user(func(u *directory.UserConfig) { u.ID = "agënt" }), "not allowed"},
		{"bad loginName", user(func(u *directory.UserConfig) { u.LoginName = "agent;1" }), "not allowed"},
		{"repeated id", addUser(directory.UserConfig{ID: "1001"}), "repeated"},
		{"id is another's loginName", addUser(directory.UserConfig{ID: "agent1"}), "repeated"},
		{"loginName is another's id", addUser(directory.UserConfig{ID: "1003", LoginName: "1001"}), "repeated"},
		{"repeated loginName", addUser(directory.UserConfig{ID: "1003", LoginName: "agent1"}), "repeated"},
		{"both password and hash", user(func(u *directory.UserConfig) {
			u.PasswordHash = "$2a$04$abcdefghijklmnopqrstuu5Zc5ZYW8D5Y6tS3X0yG/Sdm3Z5bA3lW"
		}), "both"},
		{"no password", user(func(u *directory.UserConfig) { u.Password = "" }), "no password"},
		{"hash not bcrypt", user(func(u *directory.UserConfig) { u.Password, u.PasswordHash = "", "5f4dcc3b5aa765d61d8327deb882cf99" }), "bcrypt"},
		{"truncated bcrypt hash", user(func(u *directory.UserConfig) { u.Password, u.PasswordHash = "", "$2a$04$abc" }), "bcrypt"},
		{"unknown role", user(func(u *directory.UserConfig) { u.Roles = []model.Role{"Manager"} }), "unknown role"},
		{"unknown team", user(func(u *directory.UserConfig) { u.Team = "30" }), "unknown team"},
		{"supervises unknown team", func(c *directory.Config) { c.Users[2].Supervises = []string{"30"} }, "unknown team"},
		{"supervises without the role", user(func(u *directory.UserConfig) { u.Supervises = []string{"20"} }), "Supervisor role"},

		{"repeated team", func(c *directory.Config) { c.Teams = append(c.Teams, directory.TeamConfig{ID: "10"}) }, "repeated"},
		{"team without id", func(c *directory.Config) { c.Teams = append(c.Teams, directory.TeamConfig{Name: "X"}) }, "missing"},
		{"bad wrap-up mode", func(c *directory.Config) { c.Teams[0].WrapUpOnIncoming = "SOMETIMES" }, "wrap-up mode"},

		{"queue with an unknown agent", func(c *directory.Config) { c.Queues[0].Agents = append(c.Queues[0].Agents, "9999") }, "unknown agent"},
		{"repeated queue", func(c *directory.Config) { c.Queues = append(c.Queues, directory.QueueConfig{ID: "100"}) }, "repeated"},
		{"queue without id", func(c *directory.Config) { c.Queues = append(c.Queues, directory.QueueConfig{Name: "X"}) }, "missing"},
		{"queue number not a number", func(c *directory.Config) { c.Queues[0].DialedNumber = "81x" }, "not a number"},
		{"layout with three columns", func(c *directory.Config) {
			c.MediaPropertiesLayout = &directory.LayoutConfig{Name: "L", Columns: make([][]directory.LayoutEntryConfig, 3)}
		}, "at most 2"},
		{"layout of an unknown property", func(c *directory.Config) {
			c.MediaPropertiesLayout = &directory.LayoutConfig{Name: "L", Header: []directory.LayoutEntryConfig{{DisplayName: "X", MediaProperty: "callVariable11"}}}
		}, "mediaProperty"},
		{"layout without a name", func(c *directory.Config) { c.MediaPropertiesLayout = &directory.LayoutConfig{} }, "name"},
		{"unknown drop policy", func(c *directory.Config) { c.Settings.EnableDropParticipantFor = "agents" }, "enableDropParticipantFor"},
		{"queue number an extension", func(c *directory.Config) { c.Queues[0].DialedNumber = "3002" }, "is an extension"},
		{"queue number repeated", func(c *directory.Config) {
			c.Queues[0].DialedNumber = "8100"
			c.Queues = append(c.Queues, directory.QueueConfig{ID: "200", DialedNumber: "8100"})
		}, "queue 100's too"},

		{"reason code of an unknown team", func(c *directory.Config) { c.Reasons[0].Teams = []string{"10", "30"} }, "unknown team"},
		{"reason code category", func(c *directory.Config) { c.Reasons[0].Category = "BREAK" }, "category"},
		{"reason code without category", func(c *directory.Config) { c.Reasons[0].Category = "" }, "category"},
		{"lower-case category", func(c *directory.Config) { c.Reasons[0].Category = "not_ready" }, "category"},
		{"code 0", func(c *directory.Config) { c.Reasons[0].Code = 0 }, "outside"},
		{"code 65536", func(c *directory.Config) { c.Reasons[0].Code = 65536 }, "outside"},
		{"negative code", func(c *directory.Config) { c.Reasons[0].Code = -1 }, "outside"},
		{"reason id not a number", func(c *directory.Config) { c.Reasons[0].ID = "break" }, "number"},
		{"repeated reason id", func(c *directory.Config) { c.Reasons = append(c.Reasons, c.Reasons[0]) }, "unique"},
		{"wrap-up of an unknown team", func(c *directory.Config) { c.WrapUps[0].Teams = []string{"30"} }, "unknown team"},
		{"wrap-up without label", func(c *directory.Config) { c.WrapUps[0].Label = "" }, "required"},
		{"wrap-up without id", func(c *directory.Config) { c.WrapUps[0].ID = "" }, "required"},
		{"phone book of an unknown team", func(c *directory.Config) { c.PhoneBooks[0].Teams = []string{"30"} }, "unknown team"},
		{"phone book without id", func(c *directory.Config) { c.PhoneBooks[0].ID = "" }, "required"},

		{"deployment type", func(c *directory.Config) { c.Settings.DeploymentType = "PCCE" }, "deploymentType"},
		{"wrap-up timer too short", func(c *directory.Config) { c.Settings.WrapUpTimer = 500 * time.Millisecond }, "wrapUpTimer"},
		{"wrap-up timer too long", func(c *directory.Config) { c.Settings.WrapUpTimer = 7201 * time.Second }, "wrapUpTimer"},
		{"negative lockout attempts", func(c *directory.Config) { c.Settings.LockoutAttempts = -1 }, "lockout"},
		{"negative lockout duration", func(c *directory.Config) { c.Settings.LockoutDuration = -time.Second }, "lockout"},
	}
	for _, spec := range []string{
		"", "abc", "30a1", "3020-3001", "1-200000", "30a1-3005", "3001-", "-3001", "+3001-+3005",
		"3001-3002-3003", "3001 - 3005", "123456789012345678901234567890123",
	} {
		cases = append(cases, struct {
			name string
			edit edit
			want string
		}{"device " + spec, func(c *directory.Config) { c.Devices = append(c.Devices, spec) }, "device"})
	}
	for _, ch := range `/\[]:;|=,+*?<>` {
		cases = append(cases, struct {
			name string
			edit edit
			want string
		}{"user id with " + string(ch), user(func(u *directory.UserConfig) { u.ID = "10" + string(ch) + "01" }), "not allowed"})
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := smallConfig()
			c.edit(&cfg)
			d, err := directory.NewDirectory(cfg)
			if err == nil {
				t.Fatalf("NewDirectory accepted it (%d users)", len(d.Users()))
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not mention %q", err, c.want)
			}
		})
	}
}

func TestDirectoryDefaults(t *testing.T) {
	d, err := directory.NewDirectory(smallConfig())
	if err != nil {
		t.Fatal(err)
	}
	want := directory.Settings{DeploymentType: "UCCE", WrapUpTimer: time.Minute, RingNoAnswer: 15 * time.Second,
		LockoutAttempts: 5, LockoutDuration: 5 * time.Minute, DesktopGrace: time.Minute, QueueStatsInterval: 10 * time.Second,
		EnableDropParticipantFor: directory.DropBySupervisor}
	if d.Settings != want || d.Domain != "localhost" || d.UCCX() {
		t.Errorf("defaults: %+v domain %q", d.Settings, d.Domain)
	}
	team, _ := d.Team("10")
	if team.WrapUpOnIncoming != model.WrapUpOptional || team.WrapUpOnOutgoing != model.WrapUpOptional {
		t.Errorf("team wrap-up defaults: %s %s", team.WrapUpOnIncoming, team.WrapUpOnOutgoing)
	}
	u, _ := d.User("agent1")
	if u.ID != "1001" || u.Team != team || len(u.Queues) != 1 || u.Queues[0].ID != "100" {
		t.Errorf("agent1: id %s team %v queues %d", u.ID, u.Team, len(u.Queues))
	}
	cfg := smallConfig()
	cfg.Users[0].Roles = nil
	d, err = directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := d.User("1001"); !slices.Equal(u.Roles, []model.Role{model.RoleAgent}) {
		t.Errorf("a user without roles has %v, want [Agent]", u.Roles)
	}
}

func TestDirectoryLookups(t *testing.T) {
	d, err := directory.NewDirectory(demoConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"1001", "agent1"} {
		if u, ok := d.User(name); !ok || u.ID != "1001" {
			t.Errorf("User(%q) = %s, %v", name, idOf(u), ok)
		}
	}
	if _, ok := d.User("AGENT1"); ok {
		t.Error("User is not case-sensitive")
	}
	if u, ok := d.UserFold("AGENT1"); !ok || u.ID != "1001" {
		t.Errorf("UserFold(AGENT1) = %s, %v", idOf(u), ok)
	}
	if u, ok := d.UserFold("Admin"); !ok || u.ID != "admin" {
		t.Errorf("UserFold(Admin) = %s, %v", idOf(u), ok)
	}
	if _, ok := d.UserFold("nobody"); ok {
		t.Error("UserFold found nobody")
	}
	var ids []string
	for _, u := range d.Users() {
		ids = append(ids, u.ID)
	}
	if len(ids) != 12 || ids[0] != "1001" || ids[11] != "admin" {
		t.Errorf("Users() order: %v", ids)
	}
	sup, _ := d.User("2001")
	a1, _ := d.User("1001")
	a6, _ := d.User("1006")
	admin, _ := d.User("admin")
	if !sup.SupervisesAgent(a1) || !sup.SupervisesAgent(a6) || a1.SupervisesAgent(a6) || sup.SupervisesAgent(admin) {
		t.Error("SupervisesAgent")
	}
	if !sup.IsAgent() || !a1.IsAgent() || admin.IsAgent() || !admin.IsAdmin() || sup.IsAdmin() {
		t.Error("IsAgent / IsAdmin")
	}
	team, _ := d.Team("20")
	if len(team.Agents) != 5 || team.Agents[0].ID != "1006" {
		t.Errorf("team 20 agents: %d", len(team.Agents))
	}
	if q, _ := d.Queue("300"); len(q.Agents) != 2 || q.Agents[1].ID != "1006" {
		t.Errorf("queue 300: %+v", q)
	}
}

// idOf names u in a failure message; a User itself would print its secret.
func idOf(u *directory.User) string {
	if u == nil {
		return "<nil>"
	}
	return u.ID
}

func TestDeviceRanges(t *testing.T) {
	cfg := smallConfig()
	cfg.Devices = []string{"3001-3003", "4000", "+15550100", "0100", "0001-0003", "99-101", "5000-5000"}
	d, err := directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"3001", "3002", "3003", "4000", "+15550100", "0100", "0001", "0002", "0003", "99", "100", "101", "5000"} {
		if !d.IsDevice(ext) {
			t.Errorf("%s is not a device", ext)
		}
	}
	for _, ext := range []string{"3000", "3004", "3999", "4001", "15550100", "100 ", "1", "0004", "0099", "98", "102", "5001", ""} {
		if d.IsDevice(ext) {
			t.Errorf("%q is a device", ext)
		}
	}
}

// ExpandDevices lists extensions in config order, as finesse load pairs
// them with agents; a range keeps its leading zeros and a + number its
// sign.
func TestExpandDevices(t *testing.T) {
	got, err := directory.ExpandDevices([]string{"0009-0011", "+15550100", "3001"})
	if want := []string{"0009", "0010", "0011", "+15550100", "3001"}; err != nil || !slices.Equal(got, want) {
		t.Fatalf("ExpandDevices = %v, %v; want %v", got, err, want)
	}
	if _, err := directory.ExpandDevices([]string{"3005-3001"}); err == nil {
		t.Fatal("a range that runs backwards was accepted")
	}
}

// Without a layout in the config, desktops get the ten call variables in
// two columns; a configured one is kept as written.
func TestLayout(t *testing.T) {
	d := demoDirectory(t)
	l := d.Layout()
	if l.Type != "DEFAULT" || len(l.Columns) != 2 || len(l.Columns[0]) != 5 || l.Columns[1][4].MediaProperty != "callVariable10" {
		t.Fatalf("default layout %+v", l)
	}
	cfg := smallConfig()
	cfg.MediaPropertiesLayout = &directory.LayoutConfig{
		Name:    "Sales",
		Header:  []directory.LayoutEntryConfig{{DisplayName: "Account", MediaProperty: "user.account", ShowInPopOver: true}},
		Columns: [][]directory.LayoutEntryConfig{{{DisplayName: "Order", MediaProperty: "callVariable1", UIEditable: true}}},
	}
	d, err := directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if l := d.Layout(); l.Name != "Sales" || !l.Header[0].ShowInPopOver || !l.Columns[0][0].UIEditable || l.Columns[0][0].MediaProperty != "callVariable1" {
		t.Fatalf("configured layout %+v", l)
	}
}

func TestCodesAndBooksByTeam(t *testing.T) {
	cfg := smallConfig()
	cfg.Reasons = []directory.ReasonConfig{
		{ID: "1", Category: model.CategoryNotReady, Code: 1, Label: "Break"},
		{ID: "2", Category: model.CategoryNotReady, Code: 2, Label: "Sales meeting", Teams: []string{"10"}},
		{ID: "3", Category: model.CategoryNotReady, Code: 3, Label: "Training", Teams: []string{"20"}},
		{ID: "4", Category: model.CategoryLogout, Code: 4, Label: "End of shift"},
		{ID: "5", Category: model.CategoryLogout, Code: 65535, Label: "Support handover", Teams: []string{"20", "10"}},
		{ID: "6", Category: model.CategoryLogout, Code: 6, Label: "Support only", Teams: []string{"20"}},
	}
	cfg.WrapUps = []directory.WrapUpConfig{
		{ID: "1", Label: "Sale"}, {ID: "2", Label: "Upsell", Teams: []string{"10"}}, {ID: "3", Label: "Ticket", Teams: []string{"20"}},
	}
	cfg.PhoneBooks = []directory.BookConfig{
		{ID: "1", Name: "Company", Contacts: []directory.ContactConfig{{FirstName: "A"}, {FirstName: "B"}}},
		{ID: "2", Name: "Sales leads", Teams: []string{"10"}},
		{ID: "3", Name: "Vendors", Teams: []string{"20"}},
	}
	d, err := directory.NewDirectory(cfg)
	if err != nil {
		t.Fatal(err)
	}
	codeIDs := func(codes []model.ReasonCode) string {
		var ids []string
		for _, c := range codes {
			ids = append(ids, c.ID)
		}
		return strings.Join(ids, ",")
	}
	for _, c := range []struct {
		category model.ReasonCategory
		team     string
		want     string
	}{
		{model.CategoryNotReady, "10", "1,2"},
		{model.CategoryNotReady, "20", "1,3"},
		{model.CategoryNotReady, "", "1,2,3"},
		{model.CategoryLogout, "10", "4,5"},
		{model.CategoryLogout, "20", "4,5,6"},
		{"", "10", "1,2,4,5"},
		{"", "", "1,2,3,4,5,6"},
		{model.CategoryNotReady, "30", "1"},
	} {
		if got := codeIDs(d.ReasonCodes(c.category, c.team)); got != c.want {
			t.Errorf("ReasonCodes(%q, %q) = %s, want %s", c.category, c.team, got, c.want)
		}
	}
	if rc, ok := d.ReasonCode("1"); !ok || !rc.ForAll || rc.Label != "Break" || rc.Category != model.CategoryNotReady {
		t.Errorf("ReasonCode(1) = %+v, %v", rc, ok)
	}
	if rc, ok := d.ReasonCode("5"); !ok || rc.ForAll || rc.Code != 65535 {
		t.Errorf("ReasonCode(5) = %+v, %v", rc, ok)
	}
	if _, ok := d.ReasonCode("7"); ok {
		t.Error("ReasonCode(7) found")
	}

	wrapIDs := func(team string) string {
		var ids []string
		for _, w := range d.WrapUpReasons(team) {
			ids = append(ids, w.ID)
		}
		return strings.Join(ids, ",")
	}
	if a, b, all := wrapIDs("10"), wrapIDs("20"), wrapIDs(""); a != "1,2" || b != "1,3" || all != "1,2,3" {
		t.Errorf("WrapUpReasons: 10=%s 20=%s all=%s", a, b, all)
	}
	if w, ok := d.WrapUpReason("2"); !ok || w.ForAll || w.Label != "Upsell" {
		t.Errorf("WrapUpReason(2) = %+v, %v", w, ok)
	}

	bookIDs := func(team string) string {
		var ids []string
		for _, b := range d.PhoneBooks(team) {
			ids = append(ids, b.ID)
		}
		return strings.Join(ids, ",")
	}
	if a, b, all := bookIDs("10"), bookIDs("20"), bookIDs(""); a != "1,2" || b != "1,3" || all != "1,2,3" {
		t.Errorf("PhoneBooks: 10=%s 20=%s all=%s", a, b, all)
	}
	book, ok := d.PhoneBook("1")
	if !ok || book.Type != model.PhoneBookGlobal || len(book.Contacts) != 2 ||
		book.Contacts[1].ID != "2" || book.Contacts[1].PhoneBookID != "1" || book.Contacts[1].FirstName != "B" {
		t.Errorf("PhoneBook(1) = %+v, %v", book, ok)
	}
	if book, _ := d.PhoneBook("3"); book.Type != model.PhoneBookTeam {
		t.Errorf("team phone book has type %q", book.Type)
	}
}

func TestCheckUsernameAndDialString(t *testing.T) {
	for _, ok := range []string{"agent1", "a.b-c_d@e", "!#$%&'()~", "1001"} {
		if err := directory.CheckUsername(ok); err != nil {
			t.Errorf("CheckUsername(%q): %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", "a\nb", "é", "a/b", "a<b", "a>b", "a\x00"} {
		if directory.CheckUsername(bad) == nil {
			t.Errorf("CheckUsername(%q) accepted it", bad)
		}
	}
	for _, ok := range []string{"3001", "+15550100", "0", strings.Repeat("9", 32)} {
		if !directory.IsDialString(ok) {
			t.Errorf("IsDialString(%q) = false", ok)
		}
	}
	for _, bad := range []string{"", "+", "++1", "1+", "30 01", "3001#", "*67", "-1", strings.Repeat("9", 33)} {
		if directory.IsDialString(bad) {
			t.Errorf("IsDialString(%q) = true", bad)
		}
	}
}
