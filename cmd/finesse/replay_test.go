package main

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/conformance"
)

// passingScenario signs 1001 in and out, as its desktop sees it.
const passingScenario = `name: Agent signs in and out
desktops:
  agent:
    user: "1001"
    ignore: [/finesse/api/SystemInfo]
steps:
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    headers: {requestId: in-1}
    body: <User><state>LOGIN</state><extension>3001</extension></User>
    status: 202
  - expect: agent
    node: /finesse/api/User/1001
    partial: true
    update: <Update><data><user><state>NOT_READY</state><extension>3001</extension></user></data><requestId>in-1</requestId></Update>
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    body: <User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>
    status: 202
  - expect: agent
    node: /finesse/api/User/1001
    partial: true
    update: <Update><data><user><state>LOGOUT</state></user></data></Update>
`

// failingScenario wants READY where a sign-in gives NOT_READY: it fails
// at its second step, and its third is never made.
const failingScenario = `name: Agent is READY on sign-in (wrong on purpose)
desktops:
  agent:
    user: "1002"
    ignore: [/finesse/api/SystemInfo]
steps:
  - rest: PUT /finesse/api/User/1002
    as: "1002"
    body: <User><state>LOGIN</state><extension>3002</extension></User>
    status: 202
  - expect: agent
    node: /finesse/api/User/1002
    partial: true
    update: <Update><data><user><state>READY</state></user></data></Update>
  - rest: PUT /finesse/api/User/1002
    as: "1002"
    body: <User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>
`

func writeTemp(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// A scenario the server satisfies passes over every transport: runReplay
// returns nil and reports each step ok.
func TestReplayPasses(t *testing.T) {
	file := writeTemp(t, t.TempDir(), "signin.yaml", passingScenario)
	for _, transport := range desktopTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			srv := startLiveServer(t)
			var out, errs bytes.Buffer
			if err := runReplay(append(srv.flags(transport), file), &out, &errs); err != nil {
				t.Fatalf("replay: %v\n%s%s", err, out.String(), errs.String())
			}
			text := out.String()
			for _, want := range []string{
				"PASS Agent signs in and out (signin.yaml, ",
				"  ok    1 PUT /finesse/api/User/1001 as 1001\n",
				"  ok    2 agent receives on /finesse/api/User/1001\n",
				"  ok    4 agent receives on /finesse/api/User/1001\n",
				"  ok    0 no notification left unexpected\n",
				"1 scenario: 1 passed, 0 failed, 0 skipped\n",
			} {
				if !strings.Contains(text, want) {
					t.Errorf("report lacks %q:\n%s", want, text)
				}
			}
			if strings.Contains(text, "FAIL") {
				t.Errorf("a failure in the report:\n%s", text)
			}
		})
	}
}

// junitReport is what a CI system reads of -junit's file.
type junitReport struct {
	XMLName  xml.Name `xml:"testsuite"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Cases    []struct {
		Name      string `xml:"name,attr"`
		Classname string `xml:"classname,attr"`
		Failure   *struct {
			Message string `xml:"message,attr"`
			Text    string `xml:",chardata"`
		} `xml:"failure"`
		Skipped *struct{} `xml:"skipped"`
	} `xml:"testcase"`
}

// A directory holding a passing and a failing scenario runs both, in name
// order: the command fails (exit 1) saying how many failed, the text
// report names the failing step with the difference and what was
// received, and -junit writes a case per scenario, a failure on the
// failing one.
func TestReplayReportsFailure(t *testing.T) {
	dir := t.TempDir()
	writeTemp(t, dir, "a-signin.yaml", passingScenario)
	writeTemp(t, dir, "b-wrong.yaml", failingScenario)
	junit := filepath.Join(t.TempDir(), "report.xml")
	srv := startLiveServer(t)
	var out, errs bytes.Buffer
	code := dispatch(append(append([]string{"replay"}, srv.flags("tcp")...), "-junit", junit, dir), &out, &errs)
	if code != 1 || errs.String() != "finesse replay: 1 of 2 scenarios failed\n" {
		t.Fatalf("exit %d, stderr %q: want 1 and the count of failures\n%s", code, errs.String(), out.String())
	}
	text := out.String()
	pass := strings.Index(text, "PASS Agent signs in and out (a-signin.yaml, ")
	fail := strings.Index(text, "FAIL Agent is READY on sign-in (wrong on purpose) (b-wrong.yaml, ")
	if pass < 0 || fail < pass {
		t.Errorf("want the passing scenario reported, then the failing one:\n%s", text)
	}
	for _, want := range []string{
		"  ok    1 PUT /finesse/api/User/1002 as 1002\n",
		"  FAIL  2 agent receives on /finesse/api/User/1002: the notification differs from the pattern in 1 places\n",
		"         /Update/data/user/state: want \"READY\", got \"NOT_READY\"\n",
		"       received:\n",
		"2 scenarios: 1 passed, 1 failed, 0 skipped\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("report lacks %q:\n%s", want, text)
		}
	}
	// The document received, indented under the step.
	if !regexp.MustCompile(`(?m)^         .*<state>NOT_READY</state>`).MatchString(text[fail:]) {
		t.Errorf("the failing step does not show the Update received:\n%s", text[fail:])
	}
	// A scenario stops at its first failing step.
	if strings.Contains(text[fail:], " 3 PUT") || strings.Contains(text[fail:], "no notification left") {
		t.Errorf("steps after the failure were run:\n%s", text[fail:])
	}

	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var rep junitReport
	if err := xml.Unmarshal(data, &rep); err != nil {
		t.Fatalf("-junit file: %v\n%s", err, data)
	}
	if rep.Name != "conformance tcp" || rep.Tests != 2 || rep.Failures != 1 || rep.Skipped != 0 || len(rep.Cases) != 2 {
		t.Fatalf("suite %q: %d tests, %d failures, %d skipped, %d cases; want conformance tcp, 2, 1, 0, 2\n%s",
			rep.Name, rep.Tests, rep.Failures, rep.Skipped, len(rep.Cases), data)
	}
	ok, bad := rep.Cases[0], rep.Cases[1]
	if ok.Name != "Agent signs in and out" || ok.Classname != "a-signin.yaml" || ok.Failure != nil || ok.Skipped != nil {
		t.Errorf("passing case: %+v", ok)
	}
	if bad.Name != "Agent is READY on sign-in (wrong on purpose)" || bad.Classname != "b-wrong.yaml" || bad.Failure == nil {
		t.Fatalf("failing case: %+v\n%s", bad, data)
	}
	if bad.Failure.Message != "step 2, agent receives on /finesse/api/User/1002: the notification differs from the pattern in 1 places" {
		t.Errorf("failure message %q", bad.Failure.Message)
	}
	if !strings.Contains(bad.Failure.Text, `/Update/data/user/state: want "READY", got "NOT_READY"`) {
		t.Errorf("failure text lacks the difference:\n%s", bad.Failure.Text)
	}
}

// replay refuses what it cannot run, before connecting anywhere.
func TestReplayRefuses(t *testing.T) {
	dir := t.TempDir()
	good := writeTemp(t, dir, "good.yaml", passingScenario)
	bad := writeTemp(t, dir, "bad.yaml", "name: No desktop\nsteps:\n  - expect: nobody\n    node: /x\n    update: <x/>\n")
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "no scenario files given"},
		{[]string{"-transport", "pigeon", good}, `-transport "pigeon"`},
		{[]string{filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
		{[]string{bad}, "bad.yaml: No desktop: step 1"},
		{[]string{t.TempDir()}, "no scenarios in"},
	} {
		var out, errs bytes.Buffer
		if err := runReplay(c.args, &out, &errs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("replay %q: %v, want an error with %q", c.args, err, c.want)
		}
		if out.Len() != 0 {
			t.Errorf("replay %q reported:\n%s", c.args, out.String())
		}
	}
}

// "finesse <command> -h" prints the command's usage and flags and exits 0,
// as main's usage promises and agents, call and load do.
func TestSubcommandHelp(t *testing.T) {
	for _, name := range []string{"watch", "replay", "record"} {
		t.Run(name, func(t *testing.T) {
			var out, errs bytes.Buffer
			code := dispatch([]string{name, "-h"}, &out, &errs)
			usage := strings.Contains(errs.String(), "usage: finesse "+name+" [flags]") && strings.Contains(errs.String(), "-transport string")
			if !usage {
				t.Fatalf("%s -h: no usage with the target flags:\n%s", name, errs.String())
			}
			if code != 0 || out.Len() != 0 {
				t.Errorf("%s -h: exit %d, stdout %q; want 0 and nothing", name, code, out.String())
			}
		})
	}
}

// callScript is what record performs: 1001 signs in and goes READY, a call
// rings it and the customer hangs up, with 1001's desktop and a
// supervisor's watching the team listening. Its expect step is not
// performed.
const callScript = `name: A call rings at 1001 and the customer hangs up
desktops:
  agent: {user: "1001", ignore: [/finesse/api/SystemInfo]}
  supervisor: {user: "2001", subscribe: [/finesse/api/Team/10/Users], ignore: [/finesse/api/SystemInfo]}
steps:
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    headers: {requestId: in-1}
    body: <User><state>LOGIN</state><extension>3001</extension></User>
  - expect: agent
    node: /finesse/api/User/1001
    update: <Update><requestId>dropped by record</requestId></Update>
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    body: <User><state>READY</state></User>
  - acd: POST /acd/Calls
    body: <Call><queue>100</queue><ani>5551234</ani></Call>
    partial: true
    response: <Call><id>{{call}}</id></Call>
  - acd: DELETE /acd/Call/{{call}}
`

var timestampRE = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d`)

// record performs a script against one server and writes, to -o, a
// scenario that holds each request with its status and response and every
// notification each desktop received, volatile values as placeholders;
// that file then passes against a second, fresh server over every
// transport.
func TestRecordThenReplay(t *testing.T) {
	dir := t.TempDir()
	scriptFile := writeTemp(t, dir, "script.yaml", callScript)
	recorded := filepath.Join(dir, "recorded.yaml")
	first := startLiveServer(t)
	var out, errs bytes.Buffer
	if err := runRecord(append(first.flags("tcp"), "-o", recorded, scriptFile), &out, &errs); err != nil {
		t.Fatalf("record: %v\n%s", err, errs.String())
	}
	if out.Len() != 0 {
		t.Errorf("record -o wrote to stdout:\n%s", out.String())
	}
	data, err := os.ReadFile(recorded)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		"name: A call rings at 1001 and the customer hangs up\n",
		"rest: PUT /finesse/api/User/1001\n",
		"requestId: in-1",
		"acd: POST /acd/Calls\n",
		"status: 201\n",
		"acd: DELETE /acd/Call/{{call1}}\n",
		"<id>{{dialog1}}</id>",
		"expect: agent\n",
		"expect: supervisor\n",
		"node: /finesse/api/User/1001/Dialogs\n",
		"node: /finesse/api/Team/10/Users\n",
		"<state>RESERVED</state>",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the recording lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "dropped by record") {
		t.Errorf("the script's expect step was recorded:\n%s", text)
	}
	if ts := timestampRE.FindString(text); ts != "" {
		t.Errorf("the recording keeps a timestamp %s:\n%s", ts, text)
	}
	sc, err := conformance.Load(recorded)
	if err != nil {
		t.Fatalf("the recording does not load: %v\n%s", err, text)
	}
	if len(sc.Desktops) != 2 || sc.Desktops["supervisor"] == nil || len(sc.Desktops["supervisor"].Subscribe) != 1 {
		t.Errorf("the recording's desktops: %+v", sc.Desktops)
	}

	for _, transport := range desktopTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			second := startLiveServer(t)
			var out, errs bytes.Buffer
			if err := runReplay(append(second.flags(transport), recorded), &out, &errs); err != nil {
				t.Fatalf("the recording fails against a fresh server over %s: %v\n%s\nrecording:\n%s", transport, err, out.String(), text)
			}
			if !strings.Contains(out.String(), "1 scenario: 1 passed, 0 failed, 0 skipped\n") {
				t.Errorf("report:\n%s", out.String())
			}
		})
	}
}

// Without a script, record listens with its -desktop sessions for -listen
// and writes what they received after a wait step, to standard output
// without -o.
func TestRecordListens(t *testing.T) {
	srv := startLiveServer(t)
	srv.put(t, "/finesse/api/User/1001", "1001", signIn1001)
	out, errs := newSyncBuffer(), newSyncBuffer()
	done := make(chan struct{})
	var err error
	go func() {
		defer close(done)
		err = runRecord(append(srv.flags("tcp"), "-name", "Listened", "-listen", "1s",
			"-desktop", "supervisor=2001:/finesse/api/Team/10/Users,/finesse/api/User/1002",
			"-desktop", "agent=1001"), out, errs)
	}()
	// record drops what arrives while its desktops open, and says nothing
	// when they are ready: change 1001's state until it ends, so that
	// changes land while it listens.
	states := []string{"<User><state>READY</state></User>", "<User><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></User>"}
	for i := 0; ; i++ {
		srv.put(t, "/finesse/api/User/1001", "1001", states[i%2])
		select {
		case <-done:
		case <-time.After(50 * time.Millisecond):
			continue
		}
		break
	}
	if err != nil {
		t.Fatalf("record: %v\n%s", err, errs)
	}
	sc, perr := conformance.Parse([]byte(out.String()))
	if perr != nil {
		t.Fatalf("the recording does not parse: %v\n%s", perr, out)
	}
	if sc.Name != "Listened" || len(sc.Desktops) != 2 || sc.Desktops["agent"].User != "1001" ||
		sc.Desktops["supervisor"].User != "2001" || strings.Join(sc.Desktops["supervisor"].Subscribe, " ") != "/finesse/api/Team/10/Users /finesse/api/User/1002" {
		t.Fatalf("the recording's name and desktops: %q %+v\n%s", sc.Name, sc.Desktops, out)
	}
	if len(sc.Steps) < 3 || sc.Steps[0].Wait != conformance.Duration(time.Second) {
		t.Fatalf("want a 1s wait step, then what was received:\n%s", out)
	}
	seen := map[string]int{}
	for _, st := range sc.Steps[1:] {
		if st.Expect == "" {
			t.Fatalf("a step after the wait that is no expect step: %+v\n%s", st, out)
		}
		seen[st.Expect+" "+st.Node]++
		if !strings.Contains(st.Update, "<loginId>1001</loginId>") {
			t.Errorf("an update not about 1001: %s", st.Update)
		}
	}
	// Both desktops saw 1001's changes, the supervisor on the team's node
	// only (1002 did not change); nothing recorded from SystemInfo. (The
	// counts may differ by the changes made as record opened and ended.)
	if seen["agent /finesse/api/User/1001"] == 0 || seen["supervisor /finesse/api/Team/10/Users"] == 0 || len(seen) != 2 {
		t.Errorf("recorded per desktop and node: %v\n%s", seen, out)
	}
}

// record refuses what it cannot do, before connecting anywhere.
func TestRecordRefuses(t *testing.T) {
	dir := t.TempDir()
	a := writeTemp(t, dir, "a.yaml", passingScenario)
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "nothing to record"},
		{[]string{a, a}, "one script at most, got 2"},
		{[]string{"-desktop", "nouser", a}, "want name=user"},
		{[]string{"-transport", "pigeon", a}, `-transport "pigeon"`},
		{[]string{filepath.Join(dir, "missing.yaml")}, "missing.yaml"},
	} {
		var out, errs bytes.Buffer
		if err := runRecord(c.args, &out, &errs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("record %q: %v, want an error with %q", c.args, err, c.want)
		}
	}
}

// clockScenario moves the test clock: a server without one skips it.
const clockScenario = `name: Time passes
steps:
  - advance: 1s
`

// withoutTestClock is srv behind a proxy that answers POST /acd/Clock as a
// server without -test-clock does: 404.
func withoutTestClock(t *testing.T, srv liveServer) string {
	t.Helper()
	target, err := url.Parse(srv.rest)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/acd/Clock" {
			http.NotFound(w, r)
			return
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(front.Close)
	return front.URL
}

// A scenario that needs the test clock, on a server without one, is
// reported as skipped and why, counted as skipped in the summary and the
// JUnit file, and fails nothing; -q reports only the failing scenario and
// the summary.
func TestReplaySkipsAndQuiet(t *testing.T) {
	dir := t.TempDir()
	writeTemp(t, dir, "a-signin.yaml", passingScenario)
	writeTemp(t, dir, "b-wrong.yaml", failingScenario)
	writeTemp(t, dir, "c-clock.yaml", clockScenario)
	srv := startLiveServer(t)
	args := append(srv.flags("tcp"), "-rest", withoutTestClock(t, srv))
	const summary = "3 scenarios: 1 passed, 1 failed, 1 skipped\n"

	var out, errs bytes.Buffer
	junit := filepath.Join(t.TempDir(), "report.xml")
	if code := dispatch(append(append([]string{"replay"}, args...), "-junit", junit, dir), &out, &errs); code != 1 {
		t.Fatalf("exit %d, want 1: %s\n%s", code, errs.String(), out.String())
	}
	for _, want := range []string{"PASS Agent signs in and out", "FAIL Agent is READY", "SKIP Time passes (c-clock.yaml, ",
		"\n  skipped: the server has no test clock (finessed -test-clock)\n", summary} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	data, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	var rep junitReport
	if err := xml.Unmarshal(data, &rep); err != nil || rep.Tests != 3 || rep.Failures != 1 || rep.Skipped != 1 || rep.Cases[2].Skipped == nil {
		t.Errorf("-junit: %v\n%s", err, data)
	}

	out.Reset()
	errs.Reset()
	if code := dispatch(append(append([]string{"replay", "-q"}, args...), dir), &out, &errs); code != 1 {
		t.Fatalf("-q: exit %d, want 1: %s\n%s", code, errs.String(), out.String())
	}
	text := out.String()
	if !strings.HasPrefix(text, "FAIL Agent is READY on sign-in") || !strings.HasSuffix(text, summary) ||
		strings.Contains(text, "PASS") || strings.Contains(text, "SKIP") {
		t.Errorf("-q: want the failing scenario and the summary alone:\n%s", text)
	}

	// Skipped alone is no failure.
	out.Reset()
	if code := dispatch(append(append([]string{"replay", "-q"}, args...), filepath.Join(dir, "c-clock.yaml")), &out, &errs); code != 0 ||
		out.String() != "1 scenario: 0 passed, 0 failed, 1 skipped\n" {
		t.Errorf("a skipped scenario alone: exit %d, report %q", code, out.String())
	}
}
