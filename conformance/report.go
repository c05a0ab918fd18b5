package conformance

import (
	"encoding/xml"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// WriteText reports one scenario for a person: a line per step, and for a
// failed step, what differed and the document received.
func WriteText(w io.Writer, r Result) {
	fmt.Fprintf(w, "%s %s (%s, %v)\n", r.Verdict(), r.Scenario, fileName(r.File), r.Elapsed.Round(1e6))
	for _, s := range r.Steps {
		if s.Err == nil {
			fmt.Fprintf(w, "  ok   %2d %s\n", s.Step, s.Title)
			continue
		}
		fmt.Fprintf(w, "  FAIL %2d %s: %v\n", s.Step, s.Title, s.Err)
		for _, d := range s.Differences {
			fmt.Fprintf(w, "         %s\n", d)
		}
		if s.Received != "" {
			fmt.Fprintf(w, "       received:\n%s\n", indent(s.Received, "         "))
		}
	}
	if r.Skipped != "" {
		fmt.Fprintf(w, "  %s\n", skipped(r))
	}
}

// skipped says why r was skipped: "skipped: the server has no test clock
// (finessed -test-clock)", or "skipped at step 3: ..." past its first.
func skipped(r Result) string {
	if r.SkippedAt > 0 {
		return fmt.Sprintf("skipped at step %d: %s", r.SkippedAt, r.Skipped)
	}
	return "skipped: " + r.Skipped
}

// Verdict is PASS, FAIL or SKIP.
func (r Result) Verdict() string {
	switch {
	case r.Failed():
		return "FAIL"
	case r.Skipped != "":
		return "SKIP"
	}
	return "PASS"
}

// Counts are how many of a run's scenarios passed, failed and were skipped.
type Counts struct{ Passed, Failed, Skipped int }

// Count counts results.
func Count(results []Result) Counts {
	var c Counts
	for _, r := range results {
		switch r.Verdict() {
		case "FAIL":
			c.Failed++
		case "SKIP":
			c.Skipped++
		default:
			c.Passed++
		}
	}
	return c
}

// String is the summary line of a run: "12 scenarios: 10 passed, 1
// failed, 1 skipped".
func (c Counts) String() string {
	n := c.Passed + c.Failed + c.Skipped
	noun := "scenarios"
	if n == 1 {
		noun = "scenario"
	}
	return fmt.Sprintf("%d %s: %d passed, %d failed, %d skipped", n, noun, c.Passed, c.Failed, c.Skipped)
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = prefix + l
	}
	return strings.Join(lines, "\n")
}

func fileName(path string) string {
	if path == "" {
		return "inline"
	}
	return filepath.Base(path)
}

// junitSuite is the JUnit XML most CI systems read.
type junitSuite struct {
	XMLName  xml.Name    `xml:"testsuite"`
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      float64       `xml:"time,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit reports results as one JUnit test suite, a case per scenario.
func WriteJUnit(w io.Writer, suite string, results []Result) error {
	s := junitSuite{Name: suite, Tests: len(results)}
	for _, r := range results {
		c := junitCase{Name: r.Scenario, Classname: fileName(r.File), Time: r.Elapsed.Seconds()}
		switch r.Verdict() {
		case "FAIL":
			s.Failures++
			var b strings.Builder
			WriteText(&b, r)
			c.Failure = &junitMessage{Message: firstFailure(r), Text: b.String()}
		case "SKIP":
			s.Skipped++
			c.Skipped = &junitMessage{Message: skipped(r)}
		}
		s.Cases = append(s.Cases, c)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	return enc.Encode(s)
}

func firstFailure(r Result) string {
	for _, s := range r.Steps {
		if s.Err != nil {
			return fmt.Sprintf("step %d, %s: %v", s.Step, s.Title, s.Err)
		}
	}
	return ""
}
