package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
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

// bindInsecure defines -insecure on fs.
func bindInsecure(fs *flag.FlagSet, p *bool) {
	fs.BoolVar(p, "insecure", false, "accept any certificate over TLS (https://, wss://, -starttls): a self-signed one, such as finessed generates")
}

// bindStartTLS defines -starttls on fs.
func bindStartTLS(fs *flag.FlagSet, p *bool) {
	fs.BoolVar(p, "starttls", false, "upgrade XMPP over TCP (-xmpp) to TLS with STARTTLS before signing in")
}

// tlsConfig is what -insecure asks of TLS connections: nil for Go's
// defaults, which check the certificate against the system's roots, or
// no check at all.
func tlsConfig(insecure bool) *tls.Config {
	if !insecure {
		return nil
	}
	return &tls.Config{InsecureSkipVerify: true}
}

// httpClient is the REST client of a subcommand, checking certificates or
// not as -insecure says.
func httpClient(insecure bool, timeout time.Duration) *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = tlsConfig(insecure)
	return &http.Client{Timeout: timeout, Transport: t}
}
