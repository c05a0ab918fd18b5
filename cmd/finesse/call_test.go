package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// finesse call injects a call with its variables and says it waits, as no
// agent is READY; a bad queue is the server's error, passed on.
func TestCallInjects(t *testing.T) {
	srv := startLiveServer(t)
	var out, errs bytes.Buffer
	err := runCall([]string{"-url", srv.rest, "-queue", "100", "-ani", "5551234", "-var", "callVariable1=order 42"}, &out, &errs)
	if err != nil || out.String() != "call 1 in queue 100: QUEUED\n" {
		t.Fatalf("finesse call: %q, %v (%s)", out.String(), err, errs.String())
	}
	calls, err := srv.eng.Calls(context.Background())
	if err != nil || len(calls) != 1 || calls[0].ANI != "5551234" || len(calls[0].Variables) != 1 || calls[0].Variables[0].Value != "order 42" {
		t.Fatalf("calls: %+v, %v", calls, err)
	}
	err = runCall([]string{"-url", srv.rest, "-queue", "nope"}, &out, &errs)
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("a call into no queue: %v", err)
	}
}
