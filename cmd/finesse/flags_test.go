package main

import (
	"bytes"
	"strings"
	"testing"
)

// restCommands are the subcommands that find the server by its REST base
// URL.
var restCommands = []string{"agents", "call", "load", "record", "replay", "watch"}

// Every subcommand that talks to a server names its REST base URL -rest
// and takes -url for it too, and says so in its usage.
func TestEveryCommandTakesRestAndURL(t *testing.T) {
	for _, name := range restCommands {
		for _, flag := range []string{"-rest", "-url"} {
			var out, errs bytes.Buffer
			if code := dispatch([]string{name, flag, "http://127.0.0.1:1", "-h"}, &out, &errs); code != 0 {
				t.Errorf("finesse %s %s URL -h: exit %d\n%s", name, flag, code, errs.String())
			}
			if !strings.Contains(errs.String(), "  -rest URL\n") || !strings.Contains(errs.String(), "  -url URL\n") {
				t.Errorf("finesse %s -h does not list -rest and -url:\n%s", name, errs.String())
			}
		}
	}
}

// agents and call, which took -url alone, reach the server through -rest
// as well; the last of the two given wins.
func TestRestAndItsAlias(t *testing.T) {
	srv := startLiveServer(t)
	for _, args := range [][]string{
		{"agents", "-rest", srv.rest},
		{"agents", "-url", srv.rest},
		{"agents", "-rest", "http://127.0.0.1:1", "-url", srv.rest},
		{"call", "-rest", srv.rest, "-queue", "100"},
	} {
		var out, errs bytes.Buffer
		if code := dispatch(args, &out, &errs); code != 0 || out.Len() == 0 {
			t.Errorf("finesse %q: exit %d, stdout %q, stderr %q", args, code, out.String(), errs.String())
		}
	}
}

// Every subcommand answers -h with its usage, on standard error, and exits
// 0: finesse version too.
func TestEveryCommandHelpExitsZero(t *testing.T) {
	for _, c := range commands {
		var out, errs bytes.Buffer
		code := dispatch([]string{c.name, "-h"}, &out, &errs)
		if code != 0 || !strings.HasPrefix(errs.String(), "usage: finesse "+c.name) || out.Len() != 0 {
			t.Errorf("finesse %s -h: exit %d, stdout %q, stderr %q", c.name, code, out.String(), errs.String())
		}
	}
}
