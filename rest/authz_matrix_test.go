package rest_test

import (
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/rest"
)

// The authorization matrix: every route and method, and every pubsub
// node kind, as each kind of caller. The expected cells are written from
// ../shared/spec/finesse-api.md (§2.1 for the desktop APIs, §2.2 for the
// administration APIs, which are administrators' only); where the spec is
// silent or says less than the server does, a comment says what the cell
// rests on.

// caller is one kind of caller; the target of the user routes is agent
// 1001 of team 10.
type caller struct {
	name, user, password string
}

var callers = []caller{
	{"no auth", "", ""},
	// 1003 is used for nothing else: the lockout these bad passwords
	// cause touches no other cell.
	{"wrong password", "1003", "not-the-password"},
	{"agent self", "1001", password},
	{"agent same team", "1002", password},
	{"agent other team", "1006", password},
	{"supervisor of the team", "2001", password},
	{"supervisor other team", "2002", password},
	{"administrator", "admin", password},
}

// row is the expected status for each caller, in the order of callers.
type row [8]int

const (
	refused = http.StatusUnauthorized
	hidden  = http.StatusNotFound // a dialog the caller may not see
	ok      = http.StatusOK
	queued  = http.StatusAccepted
)

var (
	// anyone signed in (§2.1: GET /User/{id}/Queues and GET /Queue/{id}
	// are open to any user, for any target user).
	anyone = row{refused, refused, ok, ok, ok, ok, ok, ok}
	// the user itself and administrators: the /User/{id}/ configuration
	// lists ("self"; administrators see every resource, §2.2).
	selfOrAdmin = row{refused, refused, ok, refused, refused, refused, refused, ok}
	// the user, its team's supervisors and administrators. §2.1 says
	// "self, admin (supervisor for own team not stated)" for GET
	// /User/{id}; supervisors read their agents, as the JS library's
	// team views do.
	viewers = row{refused, refused, ok, refused, refused, ok, refused, ok}
	// the team's members and supervisors (TeamResource, "team members").
	members = row{refused, refused, ok, ok, refused, ok, refused, ok}
	// the team's supervisors (GET /Team/{id}: "supervisors").
	supervisors = row{refused, refused, refused, refused, refused, ok, refused, ok}
	admins      = row{refused, refused, refused, refused, refused, refused, refused, ok}
)

// matrixCase is one route and method with its row.
type matrixCase struct {
	method, path, body string
	want               row
}

// matrixConfig is the demo directory with one supervisor per team: 2001
// of team 10 only, and 2002 of team 20.
func matrixConfig(t *testing.T) directory.Config {
	cfg := demoConfig(t)
	for i, u := range cfg.Users {
		if u.ID == "2001" {
			cfg.Users[i].Supervises = []string{"10"}
		}
	}
	cfg.Users = append(cfg.Users, directory.UserConfig{
		ID: "2002", LoginName: "supervisor2", FirstName: "Sue", LastName: "Supervisor", Password: password,
		Roles: []model.Role{model.RoleAgent, model.RoleSupervisor}, Supervises: []string{"20"},
	})
	return cfg
}

func TestAuthorizationMatrix(t *testing.T) {
	e := newEnvWith(t, matrixConfig(t))
	// 1001 is offered call 1 (dialog 1, ALERTING); call 2 waits.
	e.signInReady("1001", "3001")
	wantStatus(t, e.do(http.MethodPost, "admin", "/acd/Calls", callBody), http.StatusCreated)
	wantStatus(t, e.do(http.MethodPost, "admin", "/acd/Calls", callBody), http.StatusCreated)
	wantStatus(t, e.do(http.MethodPost, "admin", "/finesse/api/TeamMessage",
		"<TeamMessage><duration>60</duration><content>m1</content><teams><team>10</team></teams></TeamMessage>"), http.StatusOK)

	cases := []matrixCase{
		{"GET", "/finesse/api/User/1001", "", viewers},
		{"GET", "/finesse/api/Users", "", admins},
		{"GET", "/finesse/api/User/1001/Queues", "", anyone},
		{"GET", "/finesse/api/User/1001/ReasonCodes?category=ALL", "", selfOrAdmin},
		{"GET", "/finesse/api/User/1001/ReasonCode/1", "", selfOrAdmin},
		{"GET", "/finesse/api/User/1001/WrapUpReasons", "", selfOrAdmin},
		{"GET", "/finesse/api/User/1001/WrapUpReason/1", "", selfOrAdmin},
		{"GET", "/finesse/api/User/1001/PhoneBooks", "", selfOrAdmin},
		// §2.1 says "self"; the team's supervisors also follow an
		// agent's Dialogs node (a captured scenario), so they may list
		// them too, as they may GET each of them.
		{"GET", "/finesse/api/User/1001/Dialogs", "", viewers},
		// Not in Finesse 12.5's catalogue: My History, read as the user.
		{"GET", "/finesse/api/User/1001/History", "", viewers},
		{"GET", "/finesse/api/Team/10", "", supervisors},
		{"GET", "/finesse/api/Teams", "", admins},
		{"GET", "/finesse/api/Queue/100", "", anyone},
		{"GET", "/finesse/api/ReasonCodes?category=ALL", "", admins},
		{"GET", "/finesse/api/ReasonCode/1", "", admins},
		{"GET", "/finesse/api/WrapUpReasons", "", admins},
		{"GET", "/finesse/api/WrapUpReason/1", "", admins},
		{"GET", "/finesse/api/PhoneBooks", "", admins},
		{"GET", "/finesse/api/PhoneBook/1", "", anyone}, // a global book: every desktop reads it
		{"GET", "/finesse/api/PhoneBook/1/Contacts", "", anyone},
		{"GET", "/finesse/api/PhoneBook/1/Contact/1", "", anyone},
		{"GET", "/finesse/api/TeamResource/10/ReasonCodes?category=ALL", "", members},
		{"GET", "/finesse/api/TeamResource/10/WrapUpReasons", "", members},
		{"GET", "/finesse/api/TeamResource/10/PhoneBooks", "", members},
		// §3.12: whether it needs credentials is not confirmed; ours does.
		{"GET", "/finesse/api/SystemInfo", "", anyone},
		// "participant (+supervisor/admin)"; anyone else is told the
		// dialog does not exist.
		{"GET", "/finesse/api/Dialog/1", "", row{refused, refused, ok, hidden, hidden, ok, hidden, ok}},
		// "participant" only; those who may see the dialog are told
		// they are not on it. Changing a call variable leaves the call
		// as it was for the next caller.
		{"PUT", "/finesse/api/Dialog/1", update(variable("callVariable2", "x")), row{refused, refused, queued, hidden, hidden, refused, hidden, refused}},
		// "any user on own signed-in ext": 1001 is on a call, so its
		// MAKE_CALL is refused later, asynchronously.
		{"POST", "/finesse/api/User/1001/Dialogs", "<Dialog><requestedAction>MAKE_CALL</requestedAction><toAddress>5550100</toAddress></Dialog>", row{refused, refused, queued, refused, refused, refused, refused, refused}},
		// "self / supervisor of team"; administrators are not agents.
		// READY while RESERVED is refused later, asynchronously.
		{"PUT", "/finesse/api/User/1001", stateBody("READY", ""), row{refused, refused, queued, refused, refused, queued, refused, refused}},
		// The default MediaPropertiesLayout, read as the other
		// configuration lists are.
		{"GET", "/finesse/api/User/1001/MediaPropertiesLayout", "", selfOrAdmin},
		{"GET", "/finesse/api/User/1001/MediaPropertiesLayouts", "", selfOrAdmin},
		{"GET", "/finesse/api/TeamResource/10/MediaPropertiesLayout", "", members},
		{"GET", "/finesse/api/MediaPropertiesLayouts", "", admins},
		{"GET", "/finesse/api/MediaPropertiesLayout/1", "", admins},
		// A desktop posts its own log (AuthorizeSelf: an administrator
		// may too); administrators read them.
		{"POST", "/finesse/api/User/1001/ClientLog", "<ClientLog><logData>x</logData></ClientLog>", row{refused, refused, queued, refused, refused, refused, refused, queued}},
		{"GET", "/finesse/api/User/1001/ClientLogs", "", admins},
		// Team messages (§2.1: "supervisor/admin create/delete; members
		// read"): anyone lists those it may read. Message 1, to team 10,
		// is taken back by the first who may: 2001, its team's supervisor;
		// those who may not read it are told it does not exist, as
		// everyone is once it is gone.
		{"GET", "/finesse/api/TeamMessages", "", anyone},
		{"DELETE", "/finesse/api/TeamMessage/1", "", row{refused, refused, refused, refused, hidden, ok, hidden, hidden}},
		{"POST", "/finesse/api/TeamMessage", "<TeamMessage><duration>60</duration><content>hi</content><teams><team>10</team></teams></TeamMessage>", row{refused, refused, refused, refused, refused, ok, refused, ok}},
		// The simulator's API is the administrator's.
		{"POST", "/acd/Clock", "<Clock><advance>0s</advance></Clock>", admins},
		// Reset ends the calls and signs everyone out; the rows after it
		// answer the administrator the same either way (DELETE of an
		// ended call is 200).
		{"POST", "/acd/Reset", "", admins},
		{"GET", "/acd/Calls", "", admins},
		{"GET", "/acd/Call/1", "", admins},
		{"POST", "/acd/Calls", "<Call><queue>200</queue></Call>", row{refused, refused, refused, refused, refused, refused, refused, http.StatusCreated}},
		{"DELETE", "/acd/Call/2", "", admins},
		// Nonvoice media: a user's MRD states and tasks are for it, its
		// supervisors and administrators (1003 is an agent of the demo's
		// chat MRD; 1001 of none, so its list is empty); only the user
		// (or an administrator) changes them.
		{"GET", "/finesse/api/User/1001/Media", "", viewers},
		{"GET", "/finesse/api/User/1003/Media/5000", "", supervisors},
		{"GET", "/finesse/api/User/1003/Media/5000/Dialogs", "", supervisors},
		{"PUT", "/finesse/api/User/1003/Media/5000", "<Media><state>LOGIN</state></Media>", row{refused, refused, refused, refused, refused, refused, refused, queued}},
		{"POST", "/acd/Tasks", "<Task><queue>500</queue><from>ada@example.com</from></Task>", row{refused, refused, refused, refused, refused, refused, refused, http.StatusCreated}},
		// Workflows: administrators read them all, a desktop its team's.
		{"GET", "/finesse/api/Workflows", "", admins},
		{"GET", "/finesse/api/Workflow/1", "", admins},
		{"GET", "/finesse/api/WorkflowActions", "", admins},
		{"GET", "/finesse/api/WorkflowAction/1", "", admins},
		{"GET", "/finesse/api/User/1001/Workflows", "", selfOrAdmin},
		{"GET", "/finesse/api/TeamResource/10/Workflows", "", members},
		{"POST", "/finesse/api/WorkflowAction", "<WorkflowAction><name>Matrix pop</name><type>BROWSER_POP</type></WorkflowAction>", admins},
		{"PUT", "/finesse/api/WorkflowAction/2", "<WorkflowAction><name>Matrix pop 2</name><type>BROWSER_POP</type></WorkflowAction>", admins},
		{"POST", "/finesse/api/Workflow", "<Workflow><name>Matrix</name><TriggerSet><type>EVENT</type><triggers>CALL_ENDS</triggers></TriggerSet><workflowActions><WorkflowAction><uri>/finesse/api/WorkflowAction/2</uri></WorkflowAction></workflowActions></Workflow>", admins},
		{"PUT", "/finesse/api/Workflow/2", "<Workflow><name>Matrix 2</name><TriggerSet><type>EVENT</type><triggers>CALL_ENDS</triggers></TriggerSet><workflowActions><WorkflowAction><uri>/finesse/api/WorkflowAction/2</uri></WorkflowAction></workflowActions></Workflow>", admins},
		{"GET", "/finesse/api/Team/10/Workflows", "", admins},
		{"PUT", "/finesse/api/Team/10/Workflows", "<Workflows><Workflow><uri>/finesse/api/Workflow/1</uri></Workflow></Workflows>", admins},
		{"DELETE", "/finesse/api/Workflow/2", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		{"DELETE", "/finesse/api/WorkflowAction/2", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		{"POST", "/finesse/api/MediaPropertiesLayout", "<MediaPropertiesLayout><name>Matrix</name></MediaPropertiesLayout>", admins},
		{"PUT", "/finesse/api/MediaPropertiesLayout/2", "<MediaPropertiesLayout><name>Matrix 2</name></MediaPropertiesLayout>", admins},
		{"DELETE", "/finesse/api/MediaPropertiesLayout/2", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		// Reason codes are configured by administrators only (the code
		// made here is deleted again by the next row but one).
		{"POST", "/finesse/api/ReasonCode", "<ReasonCode><category>NOT_READY</category><code>77</code><label>Matrix</label><forAll>true</forAll></ReasonCode>", admins},
		{"PUT", "/finesse/api/ReasonCode/3", "<ReasonCode><category>NOT_READY</category><code>3</code><label>Meeting</label><forAll>true</forAll></ReasonCode>", admins},
		{"DELETE", "/finesse/api/ReasonCode/5", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		{"POST", "/finesse/api/WrapUpReason", "<WrapUpReason><label>Matrix</label><forAll>true</forAll></WrapUpReason>", admins},
		{"PUT", "/finesse/api/WrapUpReason/3", "<WrapUpReason><label>Follow-up</label><forAll>true</forAll></WrapUpReason>", admins},
		{"DELETE", "/finesse/api/WrapUpReason/4", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		{"GET", "/finesse/api/Team/10/ReasonCodes?category=NOT_READY", "", admins},
		{"PUT", "/finesse/api/Team/10/ReasonCodes?category=NOT_READY", "<ReasonCodes/>", admins},
		{"GET", "/finesse/api/Team/10/WrapUpReasons", "", admins},
		{"PUT", "/finesse/api/Team/10/WrapUpReasons", "<WrapUpReasons/>", admins},
		{"GET", "/finesse/api/Team/10/PhoneBooks", "", admins},
		{"PUT", "/finesse/api/Team/10/PhoneBooks", "<PhoneBooks/>", admins},
		// Phone books: administrators only. Book 2 is made here and
		// deleted again; contact 6 of book 1 too; the imports come last.
		{"POST", "/finesse/api/PhoneBook", "<PhoneBook><name>Matrix</name><type>GLOBAL</type></PhoneBook>", admins},
		{"PUT", "/finesse/api/PhoneBook/2", "<PhoneBook><name>Matrix 2</name><type>TEAM</type></PhoneBook>", admins},
		{"DELETE", "/finesse/api/PhoneBook/2", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		{"POST", "/finesse/api/PhoneBook/1/Contact", "<Contact><phoneNumber>5550999</phoneNumber></Contact>", admins},
		{"PUT", "/finesse/api/PhoneBook/1/Contact/6", "<Contact><firstName>M</firstName><phoneNumber>5550998</phoneNumber></Contact>", admins},
		{"DELETE", "/finesse/api/PhoneBook/1/Contact/6", "", row{refused, refused, refused, refused, refused, refused, refused, ok}},
		{"GET", "/finesse/api/PhoneBook/1/Contacts/csvFileContent", "", admins},
		// The CSV import wants text/csv: the matrix sends XML.
		{"PUT", "/finesse/api/PhoneBook/1/Contacts/csvFileContent", "x", row{refused, refused, refused, refused, refused, refused, refused, http.StatusUnsupportedMediaType}},
		{"POST", "/finesse/api/PhoneBook/1/Contacts/csvFileContent", "x", row{refused, refused, refused, refused, refused, refused, refused, http.StatusUnsupportedMediaType}},
		{"PUT", "/finesse/api/PhoneBook/1/Contacts", "<Contacts><Contact><phoneNumber>5550100</phoneNumber></Contact></Contacts>", admins},
		// So are its outbound campaigns.
		{"POST", "/acd/Campaigns", "<Campaign><name>c</name><mode>PREVIEW</mode><queue>200</queue><contacts><Contact><phoneNumber>5550100</phoneNumber></Contact></contacts></Campaign>", row{refused, refused, refused, refused, refused, refused, refused, http.StatusCreated}},
		{"GET", "/acd/Campaigns", "", admins},
		{"GET", "/acd/Campaign/1", "", admins},
		{"DELETE", "/acd/Campaign/1", "", admins},
	}
	for _, c := range cases {
		for _, method := range methodsOf(c) {
			for i, who := range callers {
				req := e.newRequest(method, c.path, c.body)
				if who.user != "" {
					req.SetBasicAuth(who.user, who.password)
				}
				if c.body != "" {
					req.Header.Set("Content-Type", "application/xml")
				}
				if r := e.send(req); r.status != c.want[i] {
					t.Errorf("%s %s as %s: %d, want %d\n%s", method, c.path, who.name, r.status, c.want[i], r.body)
				}
			}
		}
	}
	wantEveryRoute(t, e, cases)
}

// wantEveryRoute checks that the matrix has a row for every route and
// method rest serves, so that a new route cannot go untested.
func wantEveryRoute(t *testing.T, e *env, cases []matrixCase) {
	var covered []string
	for _, c := range cases {
		for _, m := range methodsOf(c) {
			covered = append(covered, rest.RouteForTest(e.srv, m, c.path))
		}
	}
	for _, route := range rest.RoutesForTest(e.srv) {
		if !slices.Contains(covered, route) {
			t.Errorf("no row for %s", route)
		}
	}
}

// methodsOf is the row's method, and HEAD with GET, which every GET
// route answers.
func methodsOf(c matrixCase) []string {
	if c.method == http.MethodGet {
		return []string{c.method, http.MethodHead}
	}
	return []string{c.method}
}

// A dialog that exists but is not the caller's answers as one that does
// not: same status, ErrorType and ErrorMessage, ErrorData the id asked.
func TestDialogNotYoursAnswersAsMissing(t *testing.T) {
	e := answeredCall(t)
	for _, method := range []string{http.MethodGet, http.MethodPut} {
		body := ""
		if method == http.MethodPut {
			body = dialogBody("HOLD", "3002")
		}
		theirs := e.do(method, "1002", "/finesse/api/Dialog/1", body)
		missing := e.do(method, "1002", "/finesse/api/Dialog/999", body)
		a := wantAPIError(t, theirs, http.StatusNotFound, "Not Found", "1")
		b := wantAPIError(t, missing, http.StatusNotFound, "Not Found", "999")
		if a.Message != b.Message {
			t.Errorf("%s: ErrorMessage %q for another's dialog, %q for none", method, a.Message, b.Message)
		}
	}
}

// TestNodeAuthorizationMatrix: who may subscribe to each kind of pubsub
// node, as acd.Directory.AuthorizeNode decides for every XMPP transport.
// The spec (§9.2) names the nodes and says agents are subscribed to their
// own; who else may subscribe it does not say, so these cells are the
// server's rule: a user's nodes for itself and its supervisors, a team's
// for its supervisors, a queue's for those who serve it or supervise
// someone who does, SystemInfo for everyone, any node for administrators.
func TestNodeAuthorizationMatrix(t *testing.T) {
	e := newEnvWith(t, matrixConfig(t))
	dir := e.eng.Directory()
	// 1001 and 1002 serve queue 100; 1006 does not, nor does anyone
	// 2002 supervises.
	queue := row{refused, refused, ok, ok, refused, ok, refused, ok}
	cases := []struct {
		node string
		want row
	}{
		{"/finesse/api/User/1001", viewers},
		{"/finesse/api/User/1001/Dialogs", viewers},
		{"/finesse/api/User/1001/Queues", viewers},
		{"/finesse/api/Team/10/Users", supervisors},
		{"/finesse/api/Queue/100", queue},
		{"/finesse/api/SystemInfo", anyone},
		{"/finesse/api/Team/99/Users", row{refused, refused, hidden, hidden, hidden, hidden, hidden, hidden}},
	}
	for _, c := range cases {
		for i, who := range callers {
			got := refused
			// Subscribing comes after signing in, which these fail.
			if u, err := e.eng.Authenticate(who.user, who.password); err == nil {
				switch err := dir.AuthorizeNode(u, c.node); {
				case err == nil:
					got = ok
				case errors.Is(err, acd.ErrNotFound):
					got = hidden
				case !errors.Is(err, acd.ErrNotAuthorized):
					t.Fatalf("%s as %s: %v", c.node, who.name, err)
				}
			}
			if got != c.want[i] {
				t.Errorf("subscribe %s as %s: %d, want %d", c.node, who.name, got, c.want[i])
			}
		}
	}
}
