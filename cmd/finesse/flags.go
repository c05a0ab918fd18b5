package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// defaultREST is where every subcommand looks for the REST API unless
// told: finessed's plain-HTTP listener on this machine.
const defaultREST = "http://127.0.0.1:8082"

// bindREST defines -rest, the server's REST base URL, on fs, and -url as
// its alias: agents and call took -url before every subcommand said
// -rest, and scripts written then keep working.
func bindREST(fs *flag.FlagSet, p *string) {
	fs.StringVar(p, "rest", defaultREST, "the server's REST base `URL`")
	fs.StringVar(p, "url", defaultREST, "the same `URL` as -rest")
	fs.Lookup("url").DefValue = "" // its default is -rest's: say it once
}

// newFlagSet is a subcommand's flag set: errors and usage on stderr, the
// usage headed by line (the command and what it takes) and about, when
// not empty.
func newFlagSet(name, line, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, strings.TrimSpace("usage: finesse "+name+" "+line))
		if about != "" {
			fmt.Fprintf(stderr, "\n%s\n\n", strings.TrimSpace(about))
		}
		fs.PrintDefaults()
	}
	return fs
}
