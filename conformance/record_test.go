package conformance

import (
	"context"
	"strings"
	"testing"
	"time"
)

// A call flow recorded from one server replays, from its file, against a
// second: the recording is readable YAML whose volatile values are
// placeholders.
func TestRecordThenReplay(t *testing.T) {
	script, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := startServer(t).target("tcp").Record(context.Background(), script, 150*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	file, err := rec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	text := string(file)
	for _, want := range []string{"{{dialog1}}", "{{call1}}", "acd: DELETE /acd/Call/{{call1}}", "<stateChangeTime>{{*}}</stateChangeTime>", "expect: agent"} {
		if !strings.Contains(text, want) {
			t.Errorf("the recording has no %q:\n%s", want, text)
		}
	}
	if timestamp.MatchString(text) {
		t.Errorf("the recording keeps a timestamp %q:\n%s", timestamp.FindString(text), text)
	}
	again, err := Parse(file)
	if err != nil {
		t.Fatalf("the recording does not parse: %v\n%s", err, text)
	}
	for _, transport := range transports {
		res := startServer(t).target(transport).Run(context.Background(), again)
		if res.Failed() {
			var b strings.Builder
			WriteText(&b, res)
			t.Fatalf("the recording fails over %s against a second server:\n%s\nrecording:\n%s", transport, b.String(), text)
		}
	}
}
