package conformance

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// TestScenarioNeedingTheClockSkipsBeforeItsFirstStep: against a server
// without a test clock (POST /acd/Clock is 404) a scenario that advances
// the clock is skipped, saying why, before it acts: only the clock probe
// reaches the server and no desktop connects.
func TestScenarioNeedingTheClockSkipsBeforeItsFirstStep(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer srv.Close()
	dialed := false
	target := Target{REST: srv.URL, Password: "finesse", Dial: func(context.Context, string, string) (Session, error) {
		dialed = true
		return nil, context.Canceled
	}}
	sc, err := Parse([]byte(`
name: Ring no answer
desktops:
  agent: {user: "1001"}
steps:
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    body: <User><state>READY</state></User>
  - advance: 15s
`))
	if err != nil {
		t.Fatal(err)
	}
	res := target.Run(context.Background(), sc)
	if res.Skipped == "" || res.Failed() {
		t.Fatalf("result %+v, want skipped", res)
	}
	if dialed || len(seen) != 1 || seen[0] != "POST /acd/Clock" {
		t.Fatalf("dialed %v, requests %v: want only the clock probe", dialed, seen)
	}
}
