package acd_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/model"
)

// busyDemo is the demo directory with supervisor 2002 of team 20 only, and
// agents in every kind of state:
//
//	1001 READY      1006 WORK_READY
//	1002 NOT_READY  1007 HOLD
//	1003 TALKING    1008 signed in and out again
//	1004 WORK       1009 RESERVED
//	1005 never      1010 never
func busyDemo(t *testing.T) *fixture {
	t.Helper()
	cfg := demoConfig(t)
	addSupervisorOf20(&cfg)
	f := newFixture(t, cfg)
	for i, state := range []model.AgentState{
		model.StateReady, model.StateNotReady, model.StateTalking, model.StateWork, "",
		model.StateWorkReady, model.StateHold, model.StateLogout, model.StateReserved, "",
	} {
		id, ext := strconv.Itoa(1001+i), strconv.Itoa(3001+i)
		if state == "" {
			continue
		}
		f.signIn(id, ext)
		switch state {
		case model.StateNotReady:
		case model.StateLogout:
			f.mustChange(id, id, model.StateLogout, "", "4")
		case model.StateReady:
			f.mustChange(id, id, model.StateReady, "", "")
		default:
			f.putOnState(id, state)
		}
	}
	return f
}

func TestQueueStatistics(t *testing.T) {
	f := busyDemo(t)
	ctx := context.Background()
	cases := []struct {
		id, name string
		want     model.QueueStatistics
	}{
		{"100", "Sales", model.QueueStatistics{AgentsLoggedOn: 4, AgentsReady: 1, AgentsNotReady: 1, AgentsBusyOther: 1, AgentsWrapUpNotReady: 1}},
		{"200", "Support", model.QueueStatistics{AgentsLoggedOn: 3, AgentsWrapUpReady: 1, AgentsBusyOther: 2}},
		{"300", "VIP", model.QueueStatistics{AgentsLoggedOn: 2, AgentsReady: 1, AgentsWrapUpReady: 1}},
	}
	byID := map[string]model.QueueStatistics{}
	for _, c := range cases {
		q, err := f.eng.Queue(ctx, c.id)
		if err != nil {
			t.Fatalf("Queue %s: %v", c.id, err)
		}
		if q.ID != c.id || q.Name != c.name || q.Statistics != c.want {
			t.Errorf("Queue %s = %s %+v, want %s %+v", c.id, q.Name, q.Statistics, c.name, c.want)
		}
		byID[c.id] = c.want
	}
	_, err := f.eng.Queue(ctx, "999")
	wantRefusal(t, err, acd.ErrNotFound, "999")

	for _, c := range []struct{ user, want string }{
		{"1001", "100 300"},
		{"agent6", "200 300"},
		{"1010", "200"},
		{"2001", "100 200 300"}, // supervises both teams, though on no queue
		{"2002", "200 300"},
		{"admin", ""},
	} {
		qs, err := f.eng.UserQueues(ctx, c.user)
		if err != nil {
			t.Fatalf("UserQueues %s: %v", c.user, err)
		}
		var got []string
		for _, q := range qs {
			got = append(got, q.ID)
			if q.Statistics != byID[q.ID] {
				t.Errorf("UserQueues %s: queue %s has %+v, want %+v", c.user, q.ID, q.Statistics, byID[q.ID])
			}
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("UserQueues %s = %v, want %s", c.user, got, c.want)
		}
		if qs == nil {
			t.Errorf("UserQueues %s is nil, want an empty list", c.user)
		}
	}
	_, err = f.eng.UserQueues(ctx, "nobody")
	wantRefusal(t, err, acd.ErrUserNotFound, "nobody")

	// Statistics follow the live state.
	f.mustChange("1002", "1002", model.StateReady, "", "")
	if q, _ := f.eng.Queue(ctx, "100"); q.Statistics.AgentsReady != 2 || q.Statistics.AgentsNotReady != 0 {
		t.Errorf("after 1002 READY: %+v", q.Statistics)
	}
}

func TestTeamView(t *testing.T) {
	f := busyDemo(t)
	ctx := context.Background()
	f.mustChange("2001", "1001", model.StateNotReady, "", "")

	team, err := f.eng.Team(ctx, f.user("2001"), "10")
	if err != nil {
		t.Fatal(err)
	}
	if team.ID != "10" || team.Name != "Sales" || len(team.Users) != 5 {
		t.Fatalf("team 10: %s %s with %d users", team.ID, team.Name, len(team.Users))
	}
	want := []struct {
		id    string
		state model.AgentState
		ext   string
	}{
		{"1001", model.StateNotReady, "3001"}, {"1002", model.StateNotReady, "3002"},
		{"1003", model.StateTalking, "3003"}, {"1004", model.StateWork, "3004"}, {"1005", model.StateLogout, ""},
	}
	for i, w := range want {
		u := team.Users[i]
		if u.ID != w.id || u.State != w.state || u.Extension != w.ext {
			t.Errorf("team user %d: %s %s %q, want %s %s %q", i, u.ID, u.State, u.Extension, w.id, w.state, w.ext)
		}
	}
	if rc := team.Users[0].ReasonCode; rc == nil || rc.ID != "999" || !rc.SystemCode || rc.Label != "Supervisor Initiated" {
		t.Errorf("forced NOT_READY reason in the team view: %+v", rc)
	}
	if rc := team.Users[1].ReasonCode; rc != nil {
		t.Errorf("NOT_READY without a reason shows %+v", rc)
	}
	if first, last := team.Users[0].FirstName, team.Users[4].LastName; first != "Alice" || last != "Evans" {
		t.Errorf("names %q %q", first, last)
	}

	if _, err := f.eng.Team(ctx, f.user("admin"), "20"); err != nil {
		t.Errorf("admin on team 20: %v", err)
	}
	if team, err := f.eng.Team(ctx, f.user("2002"), "20"); err != nil || len(team.Users) != 5 {
		t.Errorf("2002 on its team 20: %v", err)
	}
	_, err = f.eng.Team(ctx, f.user("2002"), "10")
	wantRefusal(t, err, acd.ErrInvalidSupervisor, "10")
	_, err = f.eng.Team(ctx, f.user("1001"), "10")
	wantRefusal(t, err, acd.ErrNotAuthorized, "1001")
	_, err = f.eng.Team(ctx, f.user("2001"), "99")
	wantRefusal(t, err, acd.ErrNotFound, "99")

	teams, err := f.eng.Teams(f.user("admin"))
	if err != nil || len(teams) != 2 || teams[0].ID != "10" || teams[1].Name != "Support" || teams[0].Users != nil {
		t.Errorf("Teams = %+v, %v", teams, err)
	}
	_, err = f.eng.Teams(f.user("2001"))
	wantRefusal(t, err, acd.ErrNotAuthorized, "2001")
}

func TestTeamResourceAuthorization(t *testing.T) {
	f := busyDemo(t)
	d := f.eng.Directory()
	t10, _ := d.Team("10")
	for _, c := range []struct {
		actor string
		ok    bool
	}{{"1001", true}, {"1006", false}, {"2001", true}, {"2002", false}, {"admin", true}} {
		err := directory.AuthorizeTeamResource(f.user(c.actor), t10)
		if (err == nil) != c.ok {
			t.Errorf("%s on team 10's resources: %v", c.actor, err)
		}
	}
	if err := directory.AuthorizeAdmin(f.user("admin")); err != nil {
		t.Error(err)
	}
	wantRefusal(t, directory.AuthorizeAdmin(f.user("2001")), acd.ErrNotAuthorized, "2001")
	if err := directory.AuthorizeSelf(f.user("admin"), f.user("1001")); err != nil {
		t.Error(err)
	}
	wantRefusal(t, directory.AuthorizeSelf(f.user("2001"), f.user("1001")), acd.ErrNotYourUser, "2001")
}

func TestUserView(t *testing.T) {
	f := busyDemo(t)
	ctx := context.Background()
	f.mustChange("1002", "1002", model.StateNotReady, "", "1")

	u, err := f.eng.User(ctx, f.user("1002"), "agent2")
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != "1002" || u.LoginName != "agent2" || u.TeamID != "10" || u.TeamName != "Sales" ||
		u.State != model.StateNotReady || u.ReasonCodeID != "1" || u.ReasonCode == nil || u.ReasonCode.Label != "Break" ||
		u.Extension != "3002" || u.WrapUpTimer != 60 || u.MediaType != "1" || u.Settings.WrapUpOnIncoming != model.WrapUpOptional {
		t.Errorf("GET agent2: %+v", u)
	}
	sup, err := f.eng.User(ctx, f.user("2001"), "2001")
	if err != nil || len(sup.Teams) != 2 || sup.Teams[1].Name != "Support" || sup.TeamID != "" {
		t.Errorf("GET 2001: %+v, %v", sup, err)
	}
	if u, err := f.eng.User(ctx, f.user("2001"), "1006"); err != nil || u.State != model.StateWorkReady ||
		u.Settings.WrapUpOnIncoming != model.WrapUpRequired {
		t.Errorf("supervisor GET 1006: %+v, %v", u, err)
	}
	_, err = f.eng.User(ctx, f.user("1001"), "1002")
	wantRefusal(t, err, acd.ErrNotYourUser, "1001")
	_, err = f.eng.User(ctx, f.user("2002"), "1001")
	wantRefusal(t, err, acd.ErrInvalidSupervisor, "1001")
	_, err = f.eng.User(ctx, f.user("1001"), "nobody")
	wantRefusal(t, err, acd.ErrUserNotFound, "nobody")

	all, err := f.eng.Users(ctx, f.user("admin"))
	if err != nil || len(all) != 13 || all[0].State != model.StateReady || all[4].State != model.StateLogout {
		t.Errorf("Users: %d, %v", len(all), err)
	}
	_, err = f.eng.Users(ctx, f.user("2001"))
	wantRefusal(t, err, acd.ErrNotAuthorized, "2001")
}

func TestSystemInfo(t *testing.T) {
	cfg := demoConfig(t)
	cfg.Settings.DeploymentType = "UCCX"
	cfg.Settings.TimezoneOffset = -300
	f := newFixture(t, cfg)
	si := f.eng.SystemInfo()
	if si.DeploymentType != "UCCX" || si.XMPPDomain != "localhost" || si.XMPPPubSubDomain != "pubsub.localhost" ||
		si.TimezoneOffset != -300 || !si.CurrentTimestamp.Equal(t0) || si.Status != model.StatusInService {
		t.Errorf("SystemInfo: %+v", si)
	}
}

func TestNewEngineOptions(t *testing.T) {
	if _, err := acd.NewEngine(acd.Options{}); err == nil {
		t.Error("an engine without a directory")
	}
	dir, err := directory.NewDirectory(demoConfig(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := acd.NewEngine(acd.Options{Directory: dir}); err == nil {
		t.Error("an engine without a Store")
	}
	store := memstore.New(nil, 10)
	if _, err := acd.NewEngine(acd.Options{Directory: dir, Store: store}); err == nil {
		t.Error("an engine with a Store but no Log")
	}
	// The clock and lockouts default: a working engine whose Log carries
	// its events.
	eng, err := acd.NewEngine(acd.Options{Directory: dir, Store: store, Log: store.Log()})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := dir.User("1001")
	if err := eng.ChangeState(context.Background(), u, acd.StateRequest{AgentID: "1001", State: model.StateLogin, Extension: "3001"}); err != nil {
		t.Fatal(err)
	}
	if last, _ := eng.Log().Last(context.Background()); last != 1 {
		t.Errorf("the engine's Log ends at %d, want 1", last)
	}
}
