package main

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestAgentsListsStates(t *testing.T) {
	srv := startLiveServer(t)
	req, _ := http.NewRequest("PUT", srv.rest+"/finesse/api/User/1001", strings.NewReader("<User><state>LOGIN</state><extension>3001</extension></User>"))
	req.SetBasicAuth("1001", "finesse")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 202 {
		t.Fatalf("sign in: %v %v", resp, err)
	}
	var out, errOut bytes.Buffer
	if code := dispatch([]string{"agents", "-url", srv.rest}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 12 {
		t.Fatalf("%d lines, want a header and 11 agents:\n%s", len(lines), out.String())
	}
	if !strings.Contains(lines[1], "1001") || !strings.Contains(lines[1], "NOT_READY") || !strings.Contains(lines[1], "3001") {
		t.Errorf("agent 1001 line: %q", lines[1])
	}
	if strings.Contains(out.String(), "admin") {
		t.Error("the administrator is listed as an agent")
	}
}

// A refusal is one line that says what was asked and why the server
// refused, from its <ApiErrors>, not the XML: for agents, call and load.
func TestRefusalIsOneLine(t *testing.T) {
	srv := startLiveServer(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"agents", "-url", srv.rest, "-user", "1001"}, "finesse agents: GET /finesse/api/Users: 401 Authorization Failure: 1001 ("},
		{[]string{"call", "-rest", srv.rest, "-queue", "nope"}, "finesse call: POST /acd/Calls: 404 Not Found: nope ("},
		{append(srv.flags("tcp"), "-password", "wrong", "-server-pid", "0"), "finesse load: sign 1001 in: PUT /finesse/api/User/1001: 401 Authentication Failure: 1001 ("},
	} {
		if c.args[0] == "-rest" {
			c.args = append([]string{"load"}, c.args...)
		}
		var out, errOut bytes.Buffer
		code := dispatch(c.args, &out, &errOut)
		line := errOut.String()
		if code != 1 || !strings.HasPrefix(line, c.want) || strings.Count(line, "\n") != 1 || strings.Contains(line, "<") {
			t.Errorf("finesse %s: exit %d, stderr %q; want 1 and one line starting %q", c.args[0], code, line, c.want)
		}
	}
}

func TestUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := dispatch([]string{"nope"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "agents") {
		t.Fatalf("exit %d, usage %q", code, errOut.String())
	}
}
