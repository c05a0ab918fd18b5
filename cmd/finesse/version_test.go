package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestVersion(t *testing.T) {
	var out, errs bytes.Buffer
	if code := dispatch([]string{"version"}, &out, &errs); code != 0 || !strings.HasPrefix(out.String(), "finesse ") {
		t.Fatalf("finesse version: exit %d, %q %q", code, out.String(), errs.String())
	}
	if code := dispatch([]string{"version", "extra"}, &out, &errs); code == 0 {
		t.Fatal("finesse version with an argument exited 0")
	}
}

// Asking for help is no error: the usage goes to standard output and the
// exit status is 0; no command at all is a usage error.
func TestHelpExitsZero(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "help"} {
		var out, errs bytes.Buffer
		if code := dispatch([]string{arg}, &out, &errs); code != 0 || !strings.Contains(out.String(), "usage: finesse") {
			t.Errorf("finesse %s: exit %d, stdout %q", arg, code, out.String())
		}
	}
	var out, errs bytes.Buffer
	if code := dispatch(nil, &out, &errs); code != 2 {
		t.Errorf("finesse with no command: exit %d, want 2", code)
	}
}
