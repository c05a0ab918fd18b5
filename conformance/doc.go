// Package conformance runs scenarios, readable YAML files of requests to a
// Finesse-compatible server and the responses and notifications it must
// give, against any such server, and reports where it departs from them
// with a diff of the XML.
//
// A Scenario is read with Load or LoadDir; Target.Run runs it against a
// server (REST base URL, a dialer for desktops' XMPP sessions,
// credentials) and returns a Result per step; WriteText and WriteJUnit
// report. The format is described in README.md. The corpus in scenarios/
// is written from the reference, and TestCorpus replays it against an
// in-process server over TCP, WebSocket and BOSH.
package conformance
