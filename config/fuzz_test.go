package config

import (
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/finessed/finessed/acd/directory"
)

// FuzzParse feeds the config file reader, and the directory build that
// follows it at start, arbitrary text. Neither may panic; a file that
// parses must mean the same once written out and read again, or a
// setting was read from somewhere the file did not put it.
func FuzzParse(f *testing.F) {
	// One of everything rather than the whole demo directory: the fuzzer
	// minimises every input it finds interesting, and at a few KiB that
	// takes it most of a minute each time.
	f.Add([]byte(`xmppDomain: localhost
settings: {deploymentType: UCCE, wrapUpTimer: 60s, ringNoAnswer: 15s, lockoutAttempts: 5, lockoutDuration: 5m, desktopGrace: 60s, logoutOnAgentDisconnect: false, queueStatsInterval: 10s}
teams: [{id: "10", name: Sales, wrapUpOnIncoming: OPTIONAL, wrapUpOnOutgoing: REQUIRED}]
users:
  - {id: "1001", loginName: agent1, firstName: A, lastName: B, password: finesse, roles: [Agent], team: "10"}
  - {id: "2001", loginName: sup, password: x, roles: [Agent, Supervisor], supervises: ["10"]}
queues: [{id: "100", name: Sales, agents: ["1001"], strategy: round-robin}]
devices: ["3001-3003"]
reasonCodes: [{id: "1", category: NOT_READY, code: 1, label: Break}]
wrapUpReasons: [{id: "1", label: Done}]
phoneBooks: [{id: "1", name: Global, contacts: [{firstName: C, phoneNumber: "5551234"}]}]
dialPlan: [{pattern: "9*", behaviour: answer, answerAfter: 2s}]
`))
	f.Add([]byte("xmppDomain: example.com\ntls: {certFile: a.pem, keyFile: a.key}\n"))
	f.Add([]byte("settings: {wrapUpTimer: 90s, deploymentType: UCCX}\ndevices: [\"0001-0020\", \"+15550100\"]\n"))
	f.Add([]byte("users:\n  - {id: \"1\", loginName: a, password: p, roles: [Agent], team: \"10\"}\nteams:\n  - {id: \"10\", name: T}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Parse(data)
		if err != nil {
			return
		}
		// The directory may refuse the file, but not crash on it.
		_, _ = directory.NewDirectory(file.Config)

		out, err := yaml.Marshal(file)
		if err != nil {
			t.Fatalf("%q parsed but does not render: %v", data, err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("%q parsed, rendered as\n%s\nwhich does not parse: %v", data, out, err)
		}
		// Compared as rendered, since a nil list renders as [] and reads
		// back empty but not nil.
		again, err := yaml.Marshal(back)
		if err != nil || string(again) != string(out) {
			t.Fatalf("%q rendered as\n%s\nthen as\n%s(%v)", data, out, again, err)
		}
	})
}
