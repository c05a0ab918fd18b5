package directory_test

import (
	"testing"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
)

// t0 is when every test clock starts.
var t0 = time.Date(2024, 5, 1, 9, 0, 0, 0, time.UTC)

// demoConfig is a fresh copy of the demo directory; callers may change it.
func demoConfig(tb testing.TB) directory.Config {
	tb.Helper()
	f, err := config.Demo()
	if err != nil {
		tb.Fatalf("config.Demo: %v", err)
	}
	return f.Config
}

// demoDirectory is the demo directory, built.
func demoDirectory(tb testing.TB) *directory.Directory {
	tb.Helper()
	d, err := directory.NewDirectory(demoConfig(tb))
	if err != nil {
		tb.Fatalf("NewDirectory: %v", err)
	}
	return d
}
