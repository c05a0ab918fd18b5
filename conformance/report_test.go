package conformance

import (
	"strings"
	"testing"
)

// A skipped scenario says why, and from which step when it got past its
// first; the counts tell passed, failed and skipped apart.
func TestReportSkipped(t *testing.T) {
	before := Result{Scenario: "Ring no answer", Skipped: ErrNoTestClock.Error()}
	midway := Result{Scenario: "Ring no answer", Skipped: ErrNoTestClock.Error(), SkippedAt: 3,
		Steps: []StepResult{{Step: 1, Title: "PUT /x as 1001"}, {Step: 2, Title: "wait 1s"}}}
	for r, want := range map[*Result]string{
		&before: "SKIP Ring no answer (inline, 0s)\n  skipped: the server has no test clock (finessed -test-clock)\n",
		&midway: "\n  skipped at step 3: the server has no test clock (finessed -test-clock)\n",
	} {
		var b strings.Builder
		WriteText(&b, *r)
		if !strings.HasSuffix(b.String(), want) {
			t.Errorf("report %q, want it to end %q", b.String(), want)
		}
	}
	failed := Result{Steps: []StepResult{{Err: ErrNoTestClock}}}
	got := Count([]Result{before, midway, failed, {}}).String()
	if got != "4 scenarios: 1 passed, 1 failed, 2 skipped" {
		t.Errorf("counts %q", got)
	}
	if got := Count([]Result{{}}).String(); got != "1 scenario: 1 passed, 0 failed, 0 skipped" {
		t.Errorf("counts of one %q", got)
	}
}
