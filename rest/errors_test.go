package rest_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/finessed/finessed/model"
)

func TestNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	cases := []struct {
		user, method, path, body string
		errType, errData         string
	}{
		{"administrator", "GET", "/finesse/api/User/9999", "", "User Not Found", "9999"},
		{"1001", "GET", "/finesse/api/User/9999", "", "User Not Found", "9999"},
		{"1001", "PUT", "/finesse/api/User/9999", stateBody("READY", ""), "User Not Found", "9999"},
		{"1001", "GET", "/finesse/api/User/9999/Queues", "", "User Not Found", "9999"},
		{"administrator", "GET", "/finesse/api/User/9999/ReasonCodes?category=ALL", "", "User Not Found", "9999"},
		{"administrator", "GET", "/finesse/api/Team/99", "", "Not Found", "99"},
		{"1001", "GET", "/finesse/api/TeamResource/99/ReasonCodes?category=ALL", "", "Not Found", "99"},
		{"1001", "GET", "/finesse/api/Queue/999", "", "Not Found", "999"},
		{"administrator", "GET", "/finesse/api/ReasonCode/77", "", "Not Found", "77"},
		{"1001", "GET", "/finesse/api/User/1001/ReasonCode/77", "", "Not Found", "77"},
		{"administrator", "GET", "/finesse/api/WrapUpReason/77", "", "Not Found", "77"},
		{"administrator", "GET", "/finesse/api/PhoneBook/77", "", "Not Found", "77"},
		{"administrator", "GET", "/finesse/api/PhoneBook/1/Contact/77", "", "Not Found", "77"},
		{"1001", "GET", "/finesse/api/Nope", "", "Not Found", "/finesse/api/Nope"},
		{"1001", "PUT", "/finesse/api/Nope", stateBody("READY", ""), "Not Found", "/finesse/api/Nope"},
		{"1001", "GET", "/finesse/api/User/1001/Nope", "", "Not Found", "/finesse/api/User/1001/Nope"},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.path+" as "+c.user, func(t *testing.T) {
			wantAPIError(t, e.do(c.method, c.user, c.path, c.body), http.StatusNotFound, c.errType, c.errData)
		})
	}
}

// Outside the API there is nothing to protect, so no credentials are asked.
func TestNotFoundOutsideAPI(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	wantAPIError(t, e.get("", "/finesse/Nope"), http.StatusNotFound, "Not Found", "/finesse/Nope")
}

func TestMethodNotAllowed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, method := range []string{http.MethodPost, http.MethodDelete, http.MethodPatch} {
		r := e.do(method, "1001", "/finesse/api/User/1001", stateBody("READY", ""))
		wantAPIError(t, r, http.StatusMethodNotAllowed, "Method Not Allowed", method)
		allow := allowed(r)
		for _, m := range []string{http.MethodGet, http.MethodHead, http.MethodPut} {
			if !slices.Contains(allow, m) {
				t.Errorf("%s: Allow %q lacks %s", method, allow, m)
			}
		}
		if slices.Contains(allow, method) {
			t.Errorf("%s: Allow %q lists the refused method", method, allow)
		}
	}

	r := e.do(http.MethodPut, "administrator", "/finesse/api/Users", stateBody("READY", ""))
	wantAPIError(t, r, http.StatusMethodNotAllowed, "Method Not Allowed", http.MethodPut)
	if allow := allowed(r); !slices.Contains(allow, http.MethodGet) || slices.Contains(allow, http.MethodPut) {
		t.Errorf("PUT /Users: Allow %q, want GET without PUT", allow)
	}
}

// Every method Allow lists must be one the resource answers.
func TestOptionsAnswersWithAllow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(http.MethodOptions, "1001", "/finesse/api/User/1001", "")
	wantStatus(t, r, http.StatusOK)
	if len(r.body) != 0 {
		t.Errorf("OPTIONS body %q, want none", r.body)
	}
	if allow := allowed(r); !slices.Contains(allow, http.MethodGet) || !slices.Contains(allow, http.MethodPut) || !slices.Contains(allow, http.MethodOptions) {
		t.Errorf("OPTIONS: Allow %q, want GET, PUT and OPTIONS", allow)
	}
	wantAPIError(t, e.do(http.MethodOptions, "1001", "/finesse/api/Nope", ""), http.StatusNotFound, "Not Found", "/finesse/api/Nope")
}

func allowed(r response) []string {
	var out []string
	for m := range strings.SplitSeq(r.header.Get("Allow"), ",") {
		out = append(out, strings.TrimSpace(m))
	}
	return out
}

func TestMalformedBody(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	bodies := map[string]string{
		"unclosed tag":    "<User><state>READY</state>",
		"wrong root":      "<Foo/>",
		"empty":           "",
		"two roots":       "<User/><User/>",
		"text after root": "<User><state>READY</state></User>junk",
		"not XML":         "state=READY",
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			last := e.lastEvent()
			wantAPIError(t, e.put("1001", "/finesse/api/User/1001", body), http.StatusBadRequest, "Bad Request", "User")
			e.wantNoEventAfter(last)
		})
	}
}

// Requests no agent state could make valid are refused at once, and change
// nothing.
func TestInvalidStateRequests(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signInReady("1001", "3001")
	e.signInReady("1006", "3006")
	cases := []struct {
		name, user, id, body string
		errType, errData     string
	}{
		{"missing state", "1001", "1001", "<User/>", "Parameter Missing", "state"},
		{"empty state", "1001", "1001", "<User><state></state></User>", "Parameter Missing", "state"},
		{"LOGIN without extension", "1002", "1002", "<User><state>LOGIN</state></User>", "Parameter Missing", "extension"},
		{"NOT_READY without reasonCodeId", "1001", "1001", stateBody("NOT_READY", ""), "Parameter Missing", "finesse.api.reasoncode.require_reasoncode"},
		{"unknown state", "1001", "1001", stateBody("FOO", ""), "Invalid Input", "state"},
		{"system state", "1001", "1001", stateBody("TALKING", ""), "Invalid Input", "state"},
		{"state in lower case", "1001", "1001", stateBody("ready", ""), "Invalid Input", "state"},
		{"LOGOUT reason for NOT_READY", "1001", "1001", stateBody("NOT_READY", "4"), "Invalid Input", "reasonCodeId"},
		{"NOT_READY reason for LOGOUT", "1001", "1001", stateBody("LOGOUT", "2"), "Invalid Input", "reasonCodeId"},
		{"unknown reasonCodeId", "1001", "1001", stateBody("NOT_READY", "77"), "Invalid Input", "reasonCodeId"},
		{"reason for READY", "1001", "1001", stateBody("READY", "2"), "Invalid Input", "reasonCodeId"},
		{"extension not a number", "1002", "1002", loginBody("abc"), "Bad Request", "extension"},
		{"supervisor gives a reason", "2001", "1006", stateBody("NOT_READY", "2"), "Invalid Input", "reasonCodeId"},
		{"supervisor signs an agent in", "2001", "1007", loginBody("3007"), "Invalid State", "state"},
		{"supervisor asks for WORK", "2001", "1006", stateBody("WORK", ""), "Invalid State", "state"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			last := e.lastEvent()
			r := e.put(c.user, "/finesse/api/User/"+c.id, c.body, "requestId", "bad-"+c.id)
			wantAPIError(t, r, http.StatusBadRequest, c.errType, c.errData)
			e.wantNoEventAfter(last)
		})
	}
	for id, state := range map[string]model.AgentState{"1001": model.StateReady, "1002": model.StateLogout, "1006": model.StateReady, "1007": model.StateLogout} {
		if u := e.user("administrator", id); u.State != state {
			t.Errorf("%s is %s after refused requests, want %s", id, u.State, state)
		}
	}
}

func TestBodyLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	const limit = 64 << 10

	// Whitespace after the root is well-formed, so only the size can refuse
	// these bodies.
	padded := func(n int) string {
		body := loginBody("3001")
		return body + strings.Repeat(" ", n-len(body))
	}

	t.Run("over 64 KiB", func(t *testing.T) {
		last := e.lastEvent()
		r := e.put("1001", "/finesse/api/User/1001", padded(limit+1))
		wantAPIError(t, r, http.StatusRequestEntityTooLarge, "Request Entity Too Large", "65536")
		e.wantNoEventAfter(last)
		if r.closed {
			t.Errorf("the 413 closed the connection, which the client could have gone on using")
		}
	})
	t.Run("exactly 64 KiB", func(t *testing.T) {
		e.wantUserUpdate(e.accept("1001", "1001", padded(limit)), model.StateNotReady)
	})
	t.Run("text/plain", func(t *testing.T) {
		last := e.lastEvent()
		r := e.put("1002", "/finesse/api/User/1002", loginBody("3002"), "Content-Type", "text/plain")
		wantAPIError(t, r, http.StatusUnsupportedMediaType, "Unsupported Media Type", "Content-Type")
		r = e.put("1002", "/finesse/api/User/1002", loginBody("3002"), "Content-Type", "not a media type")
		wantAPIError(t, r, http.StatusUnsupportedMediaType, "Unsupported Media Type", "Content-Type")
		e.wantNoEventAfter(last)
	})
	t.Run("XML media types", func(t *testing.T) {
		for _, ct := range []string{"text/xml", "application/xml; charset=UTF-8"} {
			last := e.lastEvent()
			wantStatus(t, e.put("1003", "/finesse/api/User/1003", loginBody("3003"), "Content-Type", ct), http.StatusAccepted)
			e.wantUserUpdate(e.onlyEventAfter(last), model.StateNotReady)
		}
	})
	t.Run("no Content-Type", func(t *testing.T) {
		req := e.newRequest(http.MethodPut, "/finesse/api/User/1004", loginBody("3004"))
		req.SetBasicAuth("1004", password)
		last := e.lastEvent()
		wantStatus(t, e.send(req), http.StatusAccepted)
		e.wantUserUpdate(e.onlyEventAfter(last), model.StateNotReady)
	})
}
