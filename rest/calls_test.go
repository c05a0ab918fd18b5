package rest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

const callBody = "<Call><queue>100</queue><ani>5551234</ani><dnis>8000</dnis><callvariables>" +
	"<CallVariable><name>callVariable1</name><value>x</value></CallVariable></callvariables></Call>"

func dialogBody(action, target string) string {
	return "<Dialog><requestedAction>" + action + "</requestedAction><targetMediaAddress>" + target + "</targetMediaAddress></Dialog>"
}

// TestCallThroughREST injects a call, answers and drops it over REST, and
// checks the simulator's view and the agent's Dialogs as it goes.
func TestCallThroughREST(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1001", "3001")

	r := e.do(http.MethodPost, "admin", "/acd/Calls", callBody)
	wantStatus(t, r, http.StatusCreated)
	if loc := r.header.Get("Location"); loc != "/acd/Call/1" {
		t.Fatalf("Location %q", loc)
	}
	call, err := model.ParseRoot(r.body, "Call")
	if err != nil {
		t.Fatal(err)
	}
	if call.SelectElement("state").Text() != "ALERTING" || call.SelectElement("agent").Text() != "1001" {
		t.Fatalf("call after injection: %s", r.body)
	}
	id := call.SelectElement("dialogId").Text()

	dialogs := children(t, parseOK(t, e.get("1001", "/finesse/api/User/1001/Dialogs"), "Dialogs"), model.ParseDialog)
	if len(dialogs) != 1 || dialogs[0].ID != id || dialogs[0].MediaProperties.CallType != "ACD_IN" {
		t.Fatalf("user dialogs %+v", dialogs)
	}
	wantStatus(t, e.put("1001", "/finesse/api/Dialog/"+id, dialogBody("ANSWER", "3001"), "requestId", "a1"), http.StatusAccepted)
	d, err := model.ParseDialog(parseOK(t, e.get("1001", "/finesse/api/Dialog/"+id), "Dialog"))
	if err != nil || d.State != "ACTIVE" {
		t.Fatalf("dialog after ANSWER: %+v %v", d, err)
	}
	if u := e.user("1001", "1001"); u.State != model.StateTalking {
		t.Fatalf("agent %s after ANSWER", u.State)
	}
	wantStatus(t, e.put("1001", "/finesse/api/Dialog/"+id, dialogBody("DROP", "3001")), http.StatusAccepted)
	if st := parseOK(t, e.get("admin", "/acd/Call/1"), "Call").SelectElement("state").Text(); st != "ENDED" {
		t.Fatalf("call %s after DROP", st)
	}
	if calls := parseOK(t, e.get("admin", "/acd/Calls"), "Calls").SelectElements("Call"); len(calls) != 1 {
		t.Fatalf("%d calls listed", len(calls))
	}
}

func TestCustomerHangsUpThroughREST(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodPost, "admin", "/acd/Calls", callBody)
	wantStatus(t, r, http.StatusCreated)
	created, err := model.ParseRoot(r.body, "Call")
	if err != nil {
		t.Fatal(err)
	}
	if st := created.SelectElement("state").Text(); st != "QUEUED" {
		t.Fatalf("with nobody READY the call is %s", st)
	}
	r = e.do(http.MethodDelete, "admin", "/acd/Call/1", "")
	wantStatus(t, r, http.StatusOK)
	if st := parseOK(t, r, "Call").SelectElement("state").Text(); st != "ENDED" {
		t.Fatalf("abandoned call is %s", st)
	}
}

// TestCallToAQueuesNumber: a simulator call that names no queue goes to
// the queue its dnis is the dialed number of (8200 is queue 200's).
func TestCallToAQueuesNumber(t *testing.T) {
	e := newEnv(t)
	r := e.do(http.MethodPost, "admin", "/acd/Calls", "<Call><ani>5551234</ani><dnis>8200</dnis></Call>")
	wantStatus(t, r, http.StatusCreated)
	if q := parseOK(t, e.get("admin", "/acd/Call/1"), "Call").SelectElement("queue").Text(); q != "200" {
		t.Fatalf("call to 8200 waits in queue %q, want 200", q)
	}
}

func TestCallAndDialogErrors(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1001", "3001")
	wantStatus(t, e.do(http.MethodPost, "admin", "/acd/Calls", callBody), http.StatusCreated)

	wantAPIError(t, e.do(http.MethodPost, "1001", "/acd/Calls", callBody), http.StatusUnauthorized, "Authorization Failure", "1001")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/acd/Calls", "<Call><ani>1</ani></Call>"), http.StatusBadRequest, "Parameter Missing", "queue")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/acd/Calls", "<Call><queue>999</queue></Call>"), http.StatusNotFound, "Not Found", "999")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/acd/Calls", "<Call><dnis>8999</dnis></Call>"), http.StatusNotFound, "Not Found", "8999")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/acd/Calls", "<Call><queue>100</queue><callvariables><CallVariable><name>bogus</name><value>1</value></CallVariable></callvariables></Call>"),
		http.StatusBadRequest, "Invalid Input", "bogus")
	wantAPIError(t, e.do(http.MethodPost, "admin", "/acd/Calls", "<Call><queue>100"), http.StatusBadRequest, "Bad Request", "Call")
	wantAPIError(t, e.get("admin", "/acd/Call/99"), http.StatusNotFound, "Not Found", "99")

	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("START_RECORDING", "3001")), http.StatusNotImplemented, "Not Implemented", "requestedAction")
	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("CONSULT_CALL", "3001")), http.StatusBadRequest, "Parameter Missing", "toAddress")
	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("", "3001")), http.StatusBadRequest, "Parameter Missing", "requestedAction")
	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("JUMP", "3001")), http.StatusBadRequest, "Invalid Input", "requestedAction")
	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("ANSWER", "")), http.StatusBadRequest, "Parameter Missing", "targetMediaAddress")
	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/77", dialogBody("ANSWER", "3001")), http.StatusNotFound, "Not Found", "77")
	// Another's dialog answers as a missing one, so ids cannot be probed.
	wantAPIError(t, e.put("1002", "/finesse/api/Dialog/1", dialogBody("ANSWER", "3002")), http.StatusNotFound, "Not Found", "1")
	wantAPIError(t, e.get("1002", "/finesse/api/Dialog/1"), http.StatusNotFound, "Not Found", "1")
	wantAPIError(t, e.do(http.MethodPost, "2001", "/finesse/api/User/2001/Dialogs",
		"<Dialog><requestedAction>SILENT_MONITOR</requestedAction><fromAddress>3020</fromAddress></Dialog>"),
		http.StatusBadRequest, "Parameter Missing", "toAddress")
	wantAPIError(t, e.do(http.MethodPost, "1001", "/finesse/api/User/1001/Dialogs",
		"<Dialog><requestedAction>SILENT_MONITOR</requestedAction><fromAddress>3001</fromAddress><toAddress>3002</toAddress></Dialog>"),
		http.StatusUnauthorized, "Authorization Failure", "1001")
	wantAPIError(t, e.do(http.MethodPost, "2001", "/finesse/api/User/2001/Dialogs",
		"<Dialog><requestedAction>BARGE_CALL</requestedAction><fromAddress>3020</fromAddress><toAddress>3001</toAddress></Dialog>"),
		http.StatusBadRequest, "Parameter Missing", "associatedDialogUri")
	wantAPIError(t, e.do(http.MethodPost, "1001", "/finesse/api/User/1001/Dialogs",
		"<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>3001</fromAddress><toAddress>3001</toAddress></Dialog>"),
		http.StatusBadRequest, "Invalid Destination", "toAddress")
	wantAPIError(t, e.do(http.MethodPost, "1002", "/finesse/api/User/1001/Dialogs",
		"<Dialog><requestedAction>MAKE_CALL</requestedAction><toAddress>5550100</toAddress></Dialog>"),
		http.StatusUnauthorized, "Invalid Authorization User Specified", "1002")

	// HOLD while only ringing is a well-formed request the party's state
	// refuses: 202, then a Generic Error on the agent's Dialogs node.
	before := e.lastEvent()
	wantStatus(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("HOLD", "3001"), "requestId", "h1"), http.StatusAccepted)
	ev := e.onlyEventAfter(before)
	u := parseUpdate(t, ev)
	if len(ev.Nodes) != 1 || ev.Nodes[0] != "/finesse/api/User/1001/Dialogs" || u.Source != "/finesse/api/Dialog/1" || u.RequestID != "h1" ||
		len(u.Errors) != 1 || u.Errors[0].Type != "Generic Error" {
		t.Fatalf("HOLD while ringing: nodes %v, update %+v", ev.Nodes, u)
	}
}

// TestCallDataThroughREST sends UPDATE_CALL_DATA (without a
// targetMediaAddress, as the JS library does) and SEND_DTMF bodies.
func TestCallDataThroughREST(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1001", "3001")
	wantStatus(t, e.do(http.MethodPost, "admin", "/acd/Calls", callBody), http.StatusCreated)
	wantStatus(t, e.put("1001", "/finesse/api/Dialog/1", dialogBody("ANSWER", "3001")), http.StatusAccepted)

	update := "<Dialog><requestedAction>UPDATE_CALL_DATA</requestedAction><mediaProperties><wrapUpReason>Sale</wrapUpReason>" +
		"<callvariables><CallVariable><name>callVariable2</name><value>vip</value></CallVariable></callvariables></mediaProperties></Dialog>"
	wantStatus(t, e.put("1001", "/finesse/api/Dialog/1", update), http.StatusAccepted)
	d, err := model.ParseDialog(parseOK(t, e.get("1001", "/finesse/api/Dialog/1"), "Dialog"))
	if err != nil || d.MediaProperties.WrapUpReason != "Sale" || len(d.MediaProperties.CallVariables) != 10 || d.MediaProperties.CallVariables[1].Value != "vip" {
		t.Fatalf("dialog after UPDATE_CALL_DATA: %+v %v", d.MediaProperties, err)
	}

	dtmf := "<Dialog><requestedAction>SEND_DTMF</requestedAction><targetMediaAddress>3001</targetMediaAddress>" +
		"<actionParams><ActionParam><name>dtmfString</name><value>777#</value></ActionParam></actionParams></Dialog>"
	wantStatus(t, e.put("1001", "/finesse/api/Dialog/1", dtmf), http.StatusAccepted)
	if got := parseOK(t, e.get("admin", "/acd/Call/1"), "Call").SelectElement("dtmf").Text(); got != "777#" {
		t.Fatalf("call DTMF %q", got)
	}
	wantAPIError(t, e.put("1001", "/finesse/api/Dialog/1", strings.Replace(dtmf, "777#", "7Z", 1)), http.StatusBadRequest, "Invalid Input", "dtmfString")
}

// TestMakeCallThroughREST: agent 1002 calls agent 1003's extension; 1003
// answers; both talk; 1002 drops and both return to READY, where each was.
func TestMakeCallThroughREST(t *testing.T) {
	e := newEnv(t)
	e.signInReady("1002", "3002")
	e.signInReady("1003", "3003")
	wantStatus(t, e.do(http.MethodPost, "1002", "/finesse/api/User/1002/Dialogs",
		"<Dialog><requestedAction>MAKE_CALL</requestedAction><fromAddress>3002</fromAddress><toAddress>3003</toAddress></Dialog>"), http.StatusAccepted)
	if u := e.user("1002", "1002"); u.State != model.StateNotReady || u.ReasonCodeID != "50006" {
		t.Fatalf("caller placing a call from READY: %s %s", u.State, u.ReasonCodeID)
	}
	dialogs := children(t, parseOK(t, e.get("1003", "/finesse/api/User/1003/Dialogs"), "Dialogs"), model.ParseDialog)
	if len(dialogs) != 1 || dialogs[0].MediaProperties.CallType != "AGENT_INSIDE" {
		t.Fatalf("callee dialogs %+v", dialogs)
	}
	id := dialogs[0].ID
	wantStatus(t, e.put("1003", "/finesse/api/Dialog/"+id, dialogBody("ANSWER", "3003")), http.StatusAccepted)
	if a, b := e.user("1002", "1002"), e.user("1003", "1003"); a.State != model.StateTalking || b.State != model.StateTalking {
		t.Fatalf("after ANSWER: %s %s", a.State, b.State)
	}
	wantStatus(t, e.put("1002", "/finesse/api/Dialog/"+id, dialogBody("DROP", "3002")), http.StatusAccepted)
	if a, b := e.user("1002", "1002"), e.user("1003", "1003"); a.State != model.StateReady || b.State != model.StateReady {
		t.Fatalf("after DROP: caller %s %s, callee %s", a.State, a.ReasonCodeID, b.State)
	}
}

// TestClientLogThroughREST: a desktop posts its log; an administrator
// reads it back; an oversize log is refused before it is kept.
func TestClientLogThroughREST(t *testing.T) {
	e := newEnv(t)
	post := func(as, data string) response {
		return e.do(http.MethodPost, as, "/finesse/api/User/1001/ClientLog", "<ClientLog><logData>"+data+"</logData></ClientLog>")
	}
	wantStatus(t, post("1001", "desktop &amp; gadgets up"), http.StatusAccepted)
	logs := parseOK(t, e.get("admin", "/finesse/api/User/1001/ClientLogs"), "ClientLogs").SelectElements("ClientLog")
	if len(logs) != 1 || logs[0].SelectElement("logData").Text() != "desktop & gadgets up" {
		t.Fatalf("logs kept: %d", len(logs))
	}
	wantAPIError(t, post("1001", strings.Repeat("é", acd.MaxClientLogChars+1)), http.StatusBadRequest, "Invalid Input", "logData")
	wantAPIError(t, e.get("1001", "/finesse/api/User/1001/ClientLogs"), http.StatusUnauthorized, "Authorization Failure", "1001")
}
