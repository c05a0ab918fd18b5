package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd"
)

// finesse route signs queue 100's five agents READY, brings five calls in
// from three clients through two base URLs (the same server twice, as two
// nodes would be), sees each reserve an agent of its own, and tidies up:
// every call hung up, every agent signed out.
func TestRouteReservesEveryAgentOnce(t *testing.T) {
	srv := startLiveServer(t)
	var out, errs bytes.Buffer
	err := runRoute([]string{"-config", "../../config/demo.yaml", "-queue", "100", "-parallel", "3",
		"-rest", srv.rest + "," + srv.rest + "/"}, &out, &errs)
	if err != nil {
		t.Fatalf("finesse route: %v\n%s%s", err, out.String(), errs.String())
	}
	for _, want := range []string{
		"5 agents of queue 100 READY", "through 2 node(s)",
		"5 calls: 5 reserved an agent", "0 refused, 0 not routed, 0 agents reserved twice", "calls/s",
		"POST /acd/Calls -> agent RESERVED",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the report lacks %q:\n%s", want, out.String())
		}
	}
	ctx := context.Background()
	calls, err := srv.eng.Calls(ctx)
	if err != nil || len(calls) != 5 {
		t.Fatalf("calls: %+v, %v", calls, err)
	}
	for _, c := range calls {
		if c.State != acd.CallEnded {
			t.Errorf("call %s is %s after tidying up, not hung up", c.ID, c.State)
		}
	}
	for _, id := range []string{"1001", "1002", "1003", "1004", "1005"} {
		req, _ := http.NewRequest(http.MethodGet, srv.rest+"/finesse/api/User/"+id, nil)
		req.SetBasicAuth(id, "finesse")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "<state>LOGOUT</state>") {
			t.Errorf("agent %s after tidying up: %s", id, body)
		}
	}
}

// More calls than READY agents: those left waiting count as not routed,
// and the command says so with an error.
func TestRouteCountsCallsNoAgentTook(t *testing.T) {
	srv := startLiveServer(t)
	var out, errs bytes.Buffer
	err := runRoute([]string{"-config", "../../config/demo.yaml", "-queue", "100", "-agents", "2", "-calls", "3",
		"-timeout", "300ms", "-rest", srv.rest}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "1 not routed") {
		t.Fatalf("three calls for two agents: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "3 calls: 2 reserved an agent") {
		t.Errorf("report:\n%s", out.String())
	}
}

func TestRoutePlanRefusals(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "-config is required"},
		{[]string{"-config", "../../config/demo.yaml", "-queue", "999"}, "no queue"},
		{[]string{"-config", "../../config/demo.yaml", "-queue", "100", "-agents", "6"}, "fewer than -agents"},
		{[]string{"-config", "../../config/demo.yaml", "-rest", ","}, "names no node"},
	} {
		var out, errs bytes.Buffer
		if err := runRoute(c.args, &out, &errs); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}
