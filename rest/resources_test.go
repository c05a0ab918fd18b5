package rest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/finessed/finessed/model"
)

func TestTeam(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signInReady("1001", "3001")
	for _, actor := range []string{"2001", "administrator"} {
		team, err := model.ParseTeam(parseOK(t, e.get(actor, "/finesse/api/Team/10"), "Team"))
		if err != nil {
			t.Fatal(err)
		}
		if team.ID != "10" || team.Name != "Sales" {
			t.Errorf("as %s: team %q %q, want 10 Sales", actor, team.ID, team.Name)
		}
		var ids []string
		for _, u := range team.Users {
			ids = append(ids, u.ID)
			want := model.StateLogout
			if u.ID == "1001" {
				want = model.StateReady
			}
			if u.State != want {
				t.Errorf("as %s: team user %s is %q, want %s", actor, u.ID, u.State, want)
			}
		}
		if want := []string{"1001", "1002", "1003", "1004", "1005"}; !slices.Equal(ids, want) {
			t.Errorf("as %s: team users %q, want %q", actor, ids, want)
		}
	}
}

// The team view is what a supervisor desktop shows, so a forced state must
// carry its system reason code there too.
func TestTeamShowsForcedReason(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signInReady("1006", "3006")
	wantStatus(t, e.put("2001", "/finesse/api/User/1006", stateBody("NOT_READY", "")), http.StatusAccepted)
	team, err := model.ParseTeam(parseOK(t, e.get("2001", "/finesse/api/Team/20"), "Team"))
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(team.Users, func(u model.TeamUser) bool { return u.ID == "1006" })
	if i < 0 {
		t.Fatalf("1006 missing from team 20")
	}
	if u := team.Users[i]; u.State != model.StateNotReady || u.ReasonCode == nil || u.ReasonCode.Code != 999 || u.Extension != "3006" {
		t.Errorf("team user 1006: %+v, want NOT_READY with code 999 on 3006", u)
	}
}

func TestTeams(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	teams := children(t, parseOK(t, e.get("administrator", "/finesse/api/Teams"), "Teams"), model.ParseTeam)
	if len(teams) != 2 || teams[0].ID != "10" || teams[1].ID != "20" || teams[0].Users != nil {
		t.Errorf("Teams: %+v, want 10 and 20 without members", teams)
	}
}

func TestQueueStatistics(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	queue := func(id string) model.QueueStatistics {
		t.Helper()
		q, err := model.ParseQueue(parseOK(t, e.get("1003", "/finesse/api/Queue/"+id), "Queue"))
		if err != nil {
			t.Fatal(err)
		}
		if q.ID != id {
			t.Fatalf("Queue %s answers queue %q", id, q.ID)
		}
		return q.Statistics
	}
	if s := queue("100"); s.AgentsLoggedOn != 0 || s.AgentsReady != 0 {
		t.Errorf("queue 100 before sign-ins: %+v, want nobody", s)
	}

	e.wantUserUpdate(e.accept("1001", "1001", loginBody("3001")), model.StateNotReady)
	e.signInReady("1002", "3002")
	e.signInReady("1006", "3006")

	cases := []struct {
		id                        string
		loggedOn, ready, notReady int
	}{
		{"100", 2, 1, 1},
		{"200", 1, 1, 0},
		{"300", 2, 1, 1},
	}
	for _, c := range cases {
		s := queue(c.id)
		if s.AgentsLoggedOn != c.loggedOn || s.AgentsReady != c.ready || s.AgentsNotReady != c.notReady {
			t.Errorf("queue %s: loggedOn %d ready %d notReady %d, want %d %d %d",
				c.id, s.AgentsLoggedOn, s.AgentsReady, s.AgentsNotReady, c.loggedOn, c.ready, c.notReady)
		}
	}
}

func TestUserQueues(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ids := func(actor, user string) []string {
		t.Helper()
		var out []string
		for _, q := range children(t, parseOK(t, e.get(actor, "/finesse/api/User/"+user+"/Queues"), "Queues"), model.ParseQueue) {
			out = append(out, q.ID)
		}
		return out
	}
	if got := ids("1001", "1001"); !slices.Equal(got, []string{"100", "300"}) {
		t.Errorf("1001's queues %q, want 100 and 300", got)
	}
	// Finesse lets any user read any user's queues.
	if got := ids("1006", "agent1"); !slices.Equal(got, []string{"100", "300"}) {
		t.Errorf("agent1's queues as 1006: %q, want 100 and 300", got)
	}
	if got := ids("2001", "2001"); !slices.Equal(got, []string{"100", "200", "300"}) {
		t.Errorf("supervisor 2001's queues %q, want all three", got)
	}
}

func TestReasonCodes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	codes := func(actor, path string) []string {
		t.Helper()
		var out []string
		for _, rc := range children(t, parseOK(t, e.get(actor, path), "ReasonCodes"), model.ParseReasonCode) {
			out = append(out, rc.ID)
		}
		return out
	}
	cases := []struct {
		actor, path string
		want        []string
	}{
		{"1001", "/finesse/api/TeamResource/10/ReasonCodes?category=ALL", []string{"1", "2", "3", "4"}},
		{"1001", "/finesse/api/TeamResource/10/ReasonCodes?category=LOGOUT", []string{"4"}},
		{"2001", "/finesse/api/TeamResource/20/ReasonCodes?category=NOT_READY", []string{"1", "2", "3"}},
		{"1001", "/finesse/api/User/1001/ReasonCodes?category=NOT_READY", []string{"1", "2", "3"}},
		{"administrator", "/finesse/api/ReasonCodes?category=ALL", []string{"1", "2", "3", "4"}},
	}
	for _, c := range cases {
		if got := codes(c.actor, c.path); !slices.Equal(got, c.want) {
			t.Errorf("%s as %s: %q, want %q", c.path, c.actor, got, c.want)
		}
	}

	wantAPIError(t, e.get("1006", "/finesse/api/TeamResource/10/ReasonCodes?category=ALL"), http.StatusUnauthorized, "Authorization Failure", "1006")

	for _, path := range []string{
		"/finesse/api/ReasonCodes",
		"/finesse/api/User/1001/ReasonCodes",
		"/finesse/api/TeamResource/10/ReasonCodes",
	} {
		actor := "1001"
		if path == "/finesse/api/ReasonCodes" {
			actor = "administrator"
		}
		wantAPIError(t, e.get(actor, path), http.StatusBadRequest, "Parameter Missing", "category")
		wantAPIError(t, e.get(actor, path+"?category=FOO"), http.StatusBadRequest, "Invalid Input", "category")
	}

	rc, err := model.ParseReasonCode(parseOK(t, e.get("1001", "/finesse/api/User/1001/ReasonCode/2"), "ReasonCode"))
	if err != nil || rc.ID != "2" || rc.Code != 2 || rc.Label != "Lunch" || rc.Category != model.CategoryNotReady {
		t.Errorf("reason code 2: %+v %v", rc, err)
	}
}

func TestWrapUpReasons(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, c := range []struct{ actor, path string }{
		{"1001", "/finesse/api/User/1001/WrapUpReasons"},
		{"1006", "/finesse/api/TeamResource/20/WrapUpReasons"},
		{"administrator", "/finesse/api/WrapUpReasons"},
	} {
		reasons := children(t, parseOK(t, e.get(c.actor, c.path), "WrapUpReasons"), model.ParseWrapUpReason)
		if len(reasons) != 3 || reasons[0].ID != "1" || reasons[0].Label != "Sale" {
			t.Errorf("%s: %+v, want Sale, Resolved, Follow-up", c.path, reasons)
		}
	}
	wantAPIError(t, e.get("1001", "/finesse/api/TeamResource/20/WrapUpReasons"), http.StatusUnauthorized, "Authorization Failure", "1001")
	w, err := model.ParseWrapUpReason(parseOK(t, e.get("1001", "/finesse/api/User/1001/WrapUpReason/2"), "WrapUpReason"))
	if err != nil || w.ID != "2" || w.Label != "Resolved" {
		t.Errorf("wrap-up reason 2: %+v %v", w, err)
	}
	wantAPIError(t, e.get("1001", "/finesse/api/User/1001/WrapUpReason/77"), http.StatusNotFound, "Not Found", "77")
}

// An administrator belongs to no team, and so sees every team's resources
// through its own User.
func TestAdministratorOwnResources(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	codes := children(t, parseOK(t, e.get("administrator", "/finesse/api/User/admin/ReasonCodes?category=ALL"), "ReasonCodes"), model.ParseReasonCode)
	books := children(t, parseOK(t, e.get("administrator", "/finesse/api/User/admin/PhoneBooks"), "PhoneBooks"), model.ParsePhoneBook)
	if len(codes) != 4 || len(books) != 1 {
		t.Errorf("admin sees %d reason codes and %d phone books, want 4 and 1", len(codes), len(books))
	}
}

func TestTeamPhoneBooksRange(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const path = "/finesse/api/TeamResource/10/PhoneBooks"

	books := children(t, parseOK(t, e.get("1001", path), "PhoneBooks"), model.ParsePhoneBook)
	if len(books) != 1 || books[0].Name != "Company" {
		t.Errorf("phone books %+v, want Company", books)
	}

	r := e.get("1001", path, "Range", "objects=1-6000")
	wantStatus(t, r, http.StatusPartialContent)
	if got := r.header.Get("Content-Range"); got != "objects 1-1/1" {
		t.Errorf("Content-Range %q, want objects 1-1/1", got)
	}
	// A range past the last book is an empty page, reported as */total.
	past := e.get("1001", path, "Range", "objects=2-10")
	wantStatus(t, past, http.StatusPartialContent)
	if got := past.header.Get("Content-Range"); got != "objects */1" {
		t.Errorf("past the end: Content-Range %q, want objects */1", got)
	}
	root, err := model.ParseRoot(r.body, "PhoneBooks")
	if err != nil {
		t.Fatal(err)
	}
	if books := children(t, root, model.ParsePhoneBook); len(books) != 1 || books[0].ID != "1" {
		t.Errorf("206 body books %+v, want book 1", books)
	}

	for _, spec := range []string{"objects=0-7000", "objects=1-7000", "objects=5-2", "bytes=0-100"} {
		wantAPIError(t, e.get("1001", path, "Range", spec), http.StatusRequestedRangeNotSatisfiable, "Range Not Satisfiable", spec)
	}
	wantAPIError(t, e.get("1006", path, "Range", "objects=1-6000"), http.StatusUnauthorized, "Authorization Failure", "1006")
}

func TestUserPhoneBooksAndContacts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	books := children(t, parseOK(t, e.get("1006", "/finesse/api/User/1006/PhoneBooks"), "PhoneBooks"), model.ParsePhoneBook)
	if len(books) != 1 || books[0].ID != "1" {
		t.Errorf("1006's phone books %+v, want the global book 1", books)
	}
	contacts := children(t, parseOK(t, e.get("administrator", "/finesse/api/PhoneBook/1/Contacts"), "Contacts"), model.ParseContact)
	if len(contacts) != 5 || contacts[0].PhoneNumber != "5550100" || contacts[0].ID != "1" {
		t.Errorf("contacts %+v, want the five demo contacts", contacts)
	}
	c, err := model.ParseContact(parseOK(t, e.get("administrator", "/finesse/api/PhoneBook/1/Contact/2"), "Contact"))
	if err != nil || c.FirstName != "IT" {
		t.Errorf("contact 2: %+v %v", c, err)
	}

	// finesse.js reads a desktop's contacts from each book's own URI:
	// agents read the books assigned to them, and no other.
	if got := children(t, parseOK(t, e.get("1006", "/finesse/api/PhoneBook/1/Contacts"), "Contacts"), model.ParseContact); len(got) != 5 {
		t.Errorf("1006 reads %d contacts of the global book, want 5", len(got))
	}
	r := e.do(http.MethodPost, "admin", "/finesse/api/PhoneBook", "<PhoneBook><name>Sales desk</name><type>TEAM</type></PhoneBook>")
	wantStatus(t, r, http.StatusOK)
	book := r.header.Get("Location")
	wantStatus(t, e.put("admin", "/finesse/api/Team/10/PhoneBooks", "<PhoneBooks><PhoneBook><uri>"+book+"</uri></PhoneBook></PhoneBooks>"), http.StatusOK)
	parseOK(t, e.get("1001", book+"/Contacts"), "Contacts")
	wantAPIError(t, e.get("1006", book+"/Contacts"), http.StatusNotFound, "Not Found", book[strings.LastIndexByte(book, '/')+1:])
}

func TestSystemInfo(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	info, err := model.ParseSystemInfo(parseOK(t, e.get("1001", "/finesse/api/SystemInfo"), "SystemInfo"))
	if err != nil {
		t.Fatal(err)
	}
	if info.XMPPDomain != "localhost" || info.XMPPPubSubDomain != "pubsub.localhost" || info.Status != model.StatusInService {
		t.Errorf("SystemInfo domain %q pubsub %q status %q, want localhost pubsub.localhost IN_SERVICE", info.XMPPDomain, info.XMPPPubSubDomain, info.Status)
	}
	if info.DeploymentType != "UCCE" || !info.CurrentTimestamp.Equal(start) {
		t.Errorf("SystemInfo deployment %q time %v, want UCCE at %v", info.DeploymentType, info.CurrentTimestamp, start)
	}
}
