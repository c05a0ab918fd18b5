package rest_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestRequestIDBound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signInReady("1001", "3001")
	body := stateBody("NOT_READY", "1")

	last := e.lastEvent()
	long := strings.Repeat("r", 8<<10)
	r := e.put("1001", "/finesse/api/User/1001", body, "requestId", long)
	wantAPIError(t, r, http.StatusBadRequest, "Invalid Input", "requestId")
	if got := r.header.Get("requestId"); got != "" {
		t.Errorf("the refused requestId was echoed (%d bytes)", len(got))
	}
	e.wantNoEventAfter(last)
	// Reads are refused alike: the header is echoed on every route.
	wantAPIError(t, e.get("1001", "/finesse/api/User/1001", "requestId", long), http.StatusBadRequest, "Invalid Input", "requestId")

	id := strings.Repeat("k", 200)
	r = e.put("1001", "/finesse/api/User/1001", body, "requestId", id)
	wantStatus(t, r, http.StatusAccepted)
	if got := r.header.Get("requestId"); got != id {
		t.Errorf("echoed requestId of %d bytes, want the 200 sent", len(got))
	}
	if upd := parseUpdate(t, e.onlyEventAfter(last)); upd.RequestID != id {
		t.Errorf("event requestId of %d bytes, want the 200 sent", len(upd.RequestID))
	}
}

func variable(name, value string) string {
	return "<CallVariable><name>" + name + "</name><value>" + value + "</value></CallVariable>"
}

// ecc is n (at most 26) ECC variables, user.va on, of value bytes each.
func ecc(n, value int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(variable("user.v"+string(rune('a'+i)), strings.Repeat("e", value)))
	}
	return b.String()
}

// answeredCall is agent 1001 talking on dialog 1.
func answeredCall(tb testing.TB) *env {
	e := newEnv(tb)
	e.signInReady("1001", "3001")
	wantStatus(tb, e.do(http.MethodPost, "admin", "/acd/Calls", callBody), http.StatusCreated)
	wantStatus(tb, e.put("1001", "/finesse/api/Dialog/1", dialogBody("ANSWER", "3001")), http.StatusAccepted)
	return e
}

// update is an UPDATE_CALL_DATA body setting vars.
func update(vars string) string {
	return "<Dialog><requestedAction>UPDATE_CALL_DATA</requestedAction><mediaProperties><callvariables>" + vars + "</callvariables></mediaProperties></Dialog>"
}

// TestBodyBounds sends each value over its bound, on a call that exists,
// so that only the bound can refuse it.
func TestBodyBounds(t *testing.T) {
	t.Parallel()
	e := answeredCall(t)
	long := strings.Repeat("5", 41)
	cases := []struct {
		name, method, user, path, body, field string
	}{
		{"toAddress", http.MethodPut, "1001", "/finesse/api/Dialog/1",
			"<Dialog><requestedAction>CONSULT_CALL</requestedAction><targetMediaAddress>3001</targetMediaAddress><toAddress>" + long + "</toAddress></Dialog>", "toAddress"},
		{"targetMediaAddress", http.MethodPut, "1001", "/finesse/api/Dialog/1", dialogBody("HOLD", long), "targetMediaAddress"},
		{"dtmfString", http.MethodPut, "1001", "/finesse/api/Dialog/1",
			"<Dialog><requestedAction>SEND_DTMF</requestedAction><targetMediaAddress>3001</targetMediaAddress><actionParams><ActionParam><name>dtmfString</name><value>" +
				strings.Repeat("1", 33) + "</value></ActionParam></actionParams></Dialog>", "dtmfString"},
		{"ECC value", http.MethodPut, "1001", "/finesse/api/Dialog/1", update(variable("user.note", strings.Repeat("e", 211))), "user.note"},
		{"ECC total", http.MethodPut, "1001", "/finesse/api/Dialog/1", update(ecc(10, 200)), "user.vj"},
		{"variable twice", http.MethodPut, "1001", "/finesse/api/Dialog/1", update(variable("callVariable1", "a") + variable("callVariable1", "b")), "callVariable1"},
		{"MAKE_CALL toAddress", http.MethodPost, "1002", "/finesse/api/User/1002/Dialogs",
			"<Dialog><requestedAction>MAKE_CALL</requestedAction><toAddress>" + long + "</toAddress></Dialog>", "toAddress"},
		{"MAKE_CALL variables", http.MethodPost, "1002", "/finesse/api/User/1002/Dialogs",
			"<Dialog><requestedAction>MAKE_CALL</requestedAction><toAddress>5550100</toAddress><mediaProperties><callvariables>" +
				variable("user.x", strings.Repeat("e", 211)) + "</callvariables></mediaProperties></Dialog>", "user.x"},
		{"ani", http.MethodPost, "admin", "/acd/Calls", "<Call><queue>100</queue><ani>" + long + "</ani></Call>", "ani"},
		{"dnis", http.MethodPost, "admin", "/acd/Calls", "<Call><queue>100</queue><dnis>" + long + "</dnis></Call>", "dnis"},
		{"call ECC", http.MethodPost, "admin", "/acd/Calls", "<Call><queue>100</queue><callvariables>" + ecc(10, 200) + "</callvariables></Call>", "user.vj"},
	}
	for _, c := range cases {
		last := e.lastEvent()
		r := e.do(c.method, c.user, c.path, c.body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400\n%s", c.name, r.status, r.body)
			continue
		}
		wantAPIError(t, r, http.StatusBadRequest, "Invalid Input", c.field)
		e.wantNoEventAfter(last)
	}
}

// TestECCAddsUp: each UPDATE_CALL_DATA within the bound, but new names
// piling up on the call past it.
func TestECCAddsUp(t *testing.T) {
	t.Parallel()
	e := answeredCall(t)
	put := func(name string) response {
		return e.put("1001", "/finesse/api/Dialog/1", update(variable(name, strings.Repeat("e", 200))))
	}
	for i := range 9 {
		wantStatus(t, put("user.n"+string(rune('a'+i))), http.StatusAccepted)
	}
	wantAPIError(t, put("user.nj"), http.StatusBadRequest, "Invalid Input", "user.nj")
	// Changing one already there adds nothing.
	wantStatus(t, put("user.na"), http.StatusAccepted)
}

// A call remembers only its last 256 DTMF digits, however many are sent.
func TestKeptDTMFBound(t *testing.T) {
	t.Parallel()
	e := answeredCall(t)
	for i := range 9 {
		digits := strings.Repeat(string(rune('1'+i)), 32)
		body := "<Dialog><requestedAction>SEND_DTMF</requestedAction><targetMediaAddress>3001</targetMediaAddress><actionParams><ActionParam><name>dtmfString</name><value>" +
			digits + "</value></ActionParam></actionParams></Dialog>"
		wantStatus(t, e.put("1001", "/finesse/api/Dialog/1", body), http.StatusAccepted)
	}
	dtmf := parseOK(t, e.get("admin", "/acd/Call/1"), "Call").SelectElement("dtmf").Text()
	if len(dtmf) != 256 || !strings.HasPrefix(dtmf, "2222") || !strings.HasSuffix(dtmf, "9999") {
		t.Errorf("kept %d digits, %.8s…%s; want the last 256", len(dtmf), dtmf, dtmf[max(0, len(dtmf)-8):])
	}
}
