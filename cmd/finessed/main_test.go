package main

import (
	"fmt"
	"os"
	"testing"
)

// buildDir holds what the tests build (the finessed binary), for the
// whole run.
var buildDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "finessed-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	buildDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}
