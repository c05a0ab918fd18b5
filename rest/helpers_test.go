package rest_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/rest"
)

// password is every demo user's password.
const password = "finesse"

// start is the fake clock's first reading; tests that move the clock do so
// from here, so stateChangeTime values are predictable.
var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// env is one server over a fresh engine. Every test gets its own, so tests
// can run in parallel without sharing agent state or lockouts.
type env struct {
	tb    testing.TB
	clock *acd.FakeClock
	eng   *acd.Engine
	reg   *prometheus.Registry
	srv   *rest.Server
	ts    *httptest.Server
}

func demoConfig(tb testing.TB) directory.Config {
	tb.Helper()
	f, err := config.Demo()
	if err != nil {
		tb.Fatalf("demo config: %v", err)
	}
	return f.Config
}

// newServer builds the handler without a listener, for benchmarks and tests
// that must call ServeHTTP themselves.
func newServer(tb testing.TB, cfg directory.Config) *env {
	return newServerOver(tb, cfg, acd.Options{})
}

// newServerOver is newServer over an engine given opts besides the
// directory and the fake clock.
func newServerOver(tb testing.TB, cfg directory.Config, opts acd.Options) *env {
	tb.Helper()
	dir, err := directory.NewDirectory(cfg)
	if err != nil {
		tb.Fatalf("directory: %v", err)
	}
	clock := acd.NewFakeClock(start)
	mem := memstore.New(clock, memstore.DefaultRetain)
	opts.Directory, opts.Clock, opts.Store, opts.Log = dir, clock, mem, mem.Log()
	eng, err := acd.NewEngine(opts)
	if err != nil {
		tb.Fatalf("engine: %v", err)
	}
	reg := prometheus.NewRegistry()
	return &env{tb: tb, clock: clock, eng: eng, reg: reg, srv: rest.New(eng, reg)}
}

// newEnv serves the demo directory over a real socket, so that requests go
// through net/http's client and server as a desktop's would.
func newEnv(tb testing.TB) *env { return newEnvWith(tb, demoConfig(tb)) }

func newEnvWith(tb testing.TB, cfg directory.Config) *env {
	tb.Helper()
	e := newServer(tb, cfg)
	e.ts = httptest.NewServer(e.srv)
	tb.Cleanup(e.ts.Close)
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
	closed bool // the server closes the connection after this answer
}

// serve calls h directly, without a socket, as user with the demo password.
func serve(h http.Handler, method, path, user, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// newRequest is a request without credentials or Content-Type; callers add
// what the case needs.
func (e *env) newRequest(method, path, body string) *http.Request {
	e.tb.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.tb.Fatalf("%s %s: %v", method, path, err)
	}
	return req
}

func (e *env) send(req *http.Request) response {
	e.tb.Helper()
	resp, err := e.ts.Client().Do(req)
	if err != nil {
		e.tb.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		e.tb.Fatalf("%s %s: reading body: %v", req.Method, req.URL.Path, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body, closed: resp.Close}
}

// do sends method path as user with the demo password; header holds
// name/value pairs.
func (e *env) do(method, user, path, body string, header ...string) response {
	e.tb.Helper()
	req := e.newRequest(method, path, body)
	if user != "" {
		req.SetBasicAuth(user, password)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	return e.send(req)
}

func (e *env) get(user, path string, header ...string) response {
	e.tb.Helper()
	return e.do(http.MethodGet, user, path, "", header...)
}

func (e *env) put(user, path, body string, header ...string) response {
	e.tb.Helper()
	return e.do(http.MethodPut, user, path, body, header...)
}

// stateBody is a PUT User body; empty arguments are left out, as a client
// that does not send them would.
func stateBody(state, reasonCodeID string) string {
	var b strings.Builder
	b.WriteString("<User>")
	if state != "" {
		b.WriteString("<state>" + state + "</state>")
	}
	if reasonCodeID != "" {
		b.WriteString("<reasonCodeId>" + reasonCodeID + "</reasonCodeId>")
	}
	b.WriteString("</User>")
	return b.String()
}

func loginBody(extension string) string {
	return "<User><state>LOGIN</state><extension>" + extension + "</extension></User>"
}

// accept sends a PUT User that must be accepted and returns the one event
// it committed.
func (e *env) accept(user, id, body string) acd.Event {
	e.tb.Helper()
	last := e.lastEvent()
	r := e.put(user, "/finesse/api/User/"+id, body)
	wantStatus(e.tb, r, http.StatusAccepted)
	return e.onlyEventAfter(last)
}

// signInReady signs agent in on ext and makes it READY, the usual starting point
// of a state test.
func (e *env) signInReady(agent, ext string) {
	e.tb.Helper()
	e.wantUserUpdate(e.accept(agent, agent, loginBody(ext)), model.StateNotReady)
	e.wantUserUpdate(e.accept(agent, agent, stateBody("READY", "")), model.StateReady)
}

func (e *env) lastEvent() acd.EventID {
	e.tb.Helper()
	id, err := e.eng.Log().Last(context.Background())
	if err != nil {
		e.tb.Fatalf("log last: %v", err)
	}
	return id
}

// eventsAfter returns what was committed after id. Events are committed
// before the 202 is sent, so Last tells without waiting whether there are
// any; the timeout only stops a broken log from hanging the test.
func (e *env) eventsAfter(id acd.EventID) []acd.Event {
	e.tb.Helper()
	if e.lastEvent() == id {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	evs, err := e.eng.Log().Read(ctx, id, 100)
	if err != nil {
		e.tb.Fatalf("log read: %v", err)
	}
	return evs
}

func (e *env) onlyEventAfter(id acd.EventID) acd.Event {
	e.tb.Helper()
	evs := e.eventsAfter(id)
	if len(evs) != 1 {
		e.tb.Fatalf("%d events committed, want 1", len(evs))
	}
	return evs[0]
}

func (e *env) wantNoEventAfter(id acd.EventID) {
	e.tb.Helper()
	if evs := e.eventsAfter(id); len(evs) > 0 {
		e.tb.Errorf("%d events committed, want none; first:\n%s", len(evs), evs[0].Payload)
	}
}

func parseUpdate(tb testing.TB, ev acd.Event) model.Update {
	tb.Helper()
	root, err := model.ParseRoot(ev.Payload, "Update")
	if err != nil {
		tb.Fatalf("event payload: %v\n%s", err, ev.Payload)
	}
	upd, err := model.ParseUpdate(root)
	if err != nil {
		tb.Fatalf("event update: %v\n%s", err, ev.Payload)
	}
	return upd
}

// wantUserUpdate checks that ev is a successful User update in state and
// returns the user it carries.
func (e *env) wantUserUpdate(ev acd.Event, state model.AgentState) model.User {
	e.tb.Helper()
	upd := parseUpdate(e.tb, ev)
	if len(upd.Errors) > 0 || upd.Data == nil {
		e.tb.Fatalf("update is not a user: %+v\n%s", upd.Errors, ev.Payload)
	}
	u, err := model.ParseUser(upd.Data)
	if err != nil {
		e.tb.Fatalf("update user: %v", err)
	}
	if u.State != state {
		e.tb.Fatalf("update: user %s state %s, want %s", u.ID, u.State, state)
	}
	return u
}

// wantErrorUpdate checks that ev reports want asynchronously on user id's
// node only, and carries requestID.
func wantErrorUpdate(tb testing.TB, ev acd.Event, id, requestID string, want model.APIError) {
	tb.Helper()
	node := "/finesse/api/User/" + id
	if !slices.Equal(ev.Nodes, []string{node}) {
		tb.Errorf("error event nodes %q, want only %s", ev.Nodes, node)
	}
	upd := parseUpdate(tb, ev)
	if upd.Event != model.EventPut || upd.Source != node || upd.RequestID != requestID {
		tb.Errorf("error update event/source/requestId = %q %q %q, want PUT %s %q", upd.Event, upd.Source, upd.RequestID, node, requestID)
	}
	if len(upd.Errors) != 1 || upd.Errors[0] != want {
		tb.Errorf("update errors %+v, want [%+v]\n%s", upd.Errors, want, ev.Payload)
	}
}

func wantStatus(tb testing.TB, r response, status int) {
	tb.Helper()
	if r.status != status {
		tb.Fatalf("status %d, want %d; body:\n%s", r.status, status, r.body)
	}
}

// wantAPIError checks status and that the body is an ApiErrors document
// with exactly one error of errType about errData.
func wantAPIError(tb testing.TB, r response, status int, errType, errData string) model.APIError {
	tb.Helper()
	wantStatus(tb, r, status)
	if ct := r.header.Get("Content-Type"); ct != "application/xml" {
		tb.Errorf("Content-Type %q, want application/xml", ct)
	}
	root, err := model.ParseRoot(r.body, "ApiErrors")
	if err != nil {
		tb.Fatalf("body is not ApiErrors: %v\n%s", err, r.body)
	}
	errs, err := model.ParseAPIErrors(root)
	if err != nil {
		tb.Fatalf("ApiErrors: %v", err)
	}
	if len(errs) != 1 {
		tb.Fatalf("%d ApiError elements, want 1\n%s", len(errs), r.body)
	}
	if errs[0].Type != errType || errs[0].Data != errData {
		tb.Errorf("ErrorType %q ErrorData %q, want %q %q (ErrorMessage %q)", errs[0].Type, errs[0].Data, errType, errData, errs[0].Message)
	}
	if errs[0].Message == "" {
		tb.Errorf("ErrorMessage is empty")
	}
	return errs[0]
}

// parseOK checks a 200 answer and returns its root element, which must be
// called root.
func parseOK(tb testing.TB, r response, root string) *etree.Element {
	tb.Helper()
	wantStatus(tb, r, http.StatusOK)
	el, err := model.ParseRoot(r.body, root)
	if err != nil {
		tb.Fatalf("body: %v\n%s", err, r.body)
	}
	return el
}

// user is user id as actor sees it.
func (e *env) user(actor, id string) model.User {
	e.tb.Helper()
	u, err := model.ParseUser(parseOK(e.tb, e.get(actor, "/finesse/api/User/"+id), "User"))
	if err != nil {
		e.tb.Fatalf("user %s: %v", id, err)
	}
	return u
}

// children parses every child element of el with parse.
func children[T any](tb testing.TB, el *etree.Element, parse func(*etree.Element) (T, error)) []T {
	tb.Helper()
	var out []T
	for _, c := range el.ChildElements() {
		v, err := parse(c)
		if err != nil {
			tb.Fatalf("<%s>: %v", c.Tag, err)
		}
		out = append(out, v)
	}
	return out
}
