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
