package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/finessed/finessed/internal/version"
)

// command is one subcommand of finesse.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"agents", "list every agent with its state, reason code and extension", runAgents},
	{"call", "bring a customer call into a queue (the simulator's POST /acd/Calls)", runCall},
	{"gen-config", "write a finessed config with N agents, M supervisors and T teams", runGenConfig},
	{"load", "drive a server with state changes and measure notification delivery", runLoad},
	{"route", "sign a queue's agents in READY, bring calls in at once and time each to its agent RESERVED", runRoute},
	{"record", "record what a server does as a conformance scenario", runRecord},
	{"replay", "run conformance scenarios against a server and show where it differs", runReplay},
	{"watch", "sign in over XMPP, subscribe to nodes and print events as they arrive", runWatch},
	{"version", "print the version and the commit it was built from", runVersion},
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", "", "Prints the module version and the commit finesse was built from.", stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("takes no arguments, got %q", fs.Args())
	}
	fmt.Fprintln(stdout, "finesse", version.String())
	return nil
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0:
		usage(stderr)
		return 2
	case args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help":
		// Asked for: the usage is the answer, on standard output.
		usage(stdout)
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			if err := c.run(args[1:], stdout, stderr); err != nil {
				fmt.Fprintf(stderr, "finesse %s: %v%s\n", c.name, err, certificateHint(err))
				return 1
			}
			return 0
		}
	}
	fmt.Fprintf(stderr, "finesse: unknown command %q\n", args[0])
	usage(stderr)
	return 2
}

// certificateHint points at -insecure when err is a certificate the
// system does not trust, as finessed's self-signed one is.
func certificateHint(err error) string {
	var invalid *tls.CertificateVerificationError
	if errors.As(err, &invalid) {
		return " (-insecure accepts it)"
	}
	return ""
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: finesse <command> [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s%s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'finesse <command> -h' for a command's flags.")
}
