package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd/directory"
)

// The demo directory is a contract that README examples and outside
// checks rely on: pin its users, teams, queues, devices and codes.
func TestDemoDirectory(t *testing.T) {
	f, err := Demo()
	if err != nil {
		t.Fatal(err)
	}
	dir, err := directory.NewDirectory(f.Config)
	if err != nil {
		t.Fatal(err)
	}
	if dir.Domain != "localhost" {
		t.Errorf("xmppDomain = %q", dir.Domain)
	}
	for i, name := range []string{"agent1", "agent2", "agent3", "agent4", "agent5"} {
		u, ok := dir.User(name)
		if !ok || u.Team == nil || u.Team.ID != "10" || u.ID != "100"+string(rune('1'+i)) {
			t.Errorf("%s: %+v", name, u)
		}
	}
	for _, id := range []string{"1006", "1007", "1008", "1009", "1010"} {
		if u, ok := dir.User(id); !ok || u.Team.ID != "20" {
			t.Errorf("%s not on team 20", id)
		}
	}
	sup, ok := dir.User("supervisor1")
	if !ok || sup.ID != "2001" || !sup.SupervisesTeam("10") || !sup.SupervisesTeam("20") {
		t.Errorf("supervisor1: %+v", sup)
	}
	if admin, ok := dir.User("admin"); !ok || !admin.IsAdmin() {
		t.Error("no admin user")
	}
	for _, id := range []string{"1001", "1010", "2001", "admin", "agent1", "supervisor1"} {
		if _, err := directory.NewAuthenticator(dir, nil, nil).Authenticate(id, "finesse"); err != nil {
			t.Errorf("%s/finesse: %v", id, err)
		}
	}
	queues := map[string]int{"100": 5, "200": 5, "300": 2}
	for id, n := range queues {
		if q, ok := dir.Queue(id); !ok || len(q.Agents) != n {
			t.Errorf("queue %s: want %d agents", id, n)
		}
	}
	if !dir.IsDevice("3001") || !dir.IsDevice("3020") || dir.IsDevice("3021") {
		t.Error("devices are not 3001-3020")
	}
	if n := len(dir.ReasonCodes("NOT_READY", "")); n != 3 {
		t.Errorf("%d NOT_READY codes, want 3", n)
	}
	if rc, ok := dir.ReasonCode("4"); !ok || rc.Category != "LOGOUT" || rc.Label != "End of shift" {
		t.Errorf("reason code 4: %+v", rc)
	}
	if n := len(dir.WrapUpReasons("")); n != 3 {
		t.Errorf("%d wrap-up reasons, want 3", n)
	}
	if team, _ := dir.Team("20"); team.WrapUpOnIncoming != "REQUIRED" {
		t.Errorf("team 20 wrap-up on incoming = %s", team.WrapUpOnIncoming)
	}
}

func TestParseRejectsUnknownKeys(t *testing.T) {
	_, err := Parse([]byte("xmppDomain: x\nsetings: {}\n"))
	if err == nil || !strings.Contains(err.Error(), "setings") {
		t.Fatalf("err = %v, want one naming the misspelt key", err)
	}
}

func TestParseTLSGoTogether(t *testing.T) {
	if _, err := Parse([]byte("tls: {certFile: a.pem}\n")); err == nil {
		t.Fatal("certFile without keyFile accepted")
	}
}

func TestLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "finesse.yaml")
	if err := os.WriteFile(path, DemoYAML(), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Users) != 12 || f.Settings.WrapUpTimer.Seconds() != 60 {
		t.Errorf("loaded %d users, wrap-up timer %v", len(f.Users), f.Settings.WrapUpTimer)
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file accepted")
	}
}
