package conformance

import (
	"context"
	"strings"
	"testing"
)

// base is a call flow the alterations below break one way each.
const base = `
name: A call rings at 1001 and the customer hangs up
desktops:
  agent: {user: "1001", ignore: [/finesse/api/SystemInfo]}
steps:
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    headers: {requestId: in-1}
    body: <User><state>LOGIN</state><extension>3001</extension></User>
  - expect: agent
    node: /finesse/api/User/1001
    partial: true
    update: <Update><data><user><state>NOT_READY</state></user></data><requestId>in-1</requestId></Update>
  - rest: PUT /finesse/api/User/1001
    as: "1001"
    headers: {requestId: ready-1}
    body: <User><state>READY</state></User>
  - expect: agent
    node: /finesse/api/User/1001
    partial: true
    update: <Update><data><user><state>READY</state></user></data><requestId>ready-1</requestId></Update>
  - acd: POST /acd/Calls
    body: <Call><queue>100</queue><ani>5551234</ani></Call>
    status: 201
    partial: true
    response: <Call><id>{{call}}</id></Call>
  - expect: agent
    node: /finesse/api/User/1001
    partial: true
    update: <Update><data><user><state>RESERVED</state></user></data></Update>
  - expect: agent
    node: /finesse/api/User/1001/Dialogs
    partial: true
    update: |
      <Update>
        <data><dialogs><Dialog>
          <id>{{dialog}}</id>
          <participants>
            <Participant><mediaAddress>5551234</mediaAddress><state>INITIATED</state></Participant>
            <Participant><mediaAddress>3001</mediaAddress><state>ALERTING</state></Participant>
          </participants>
        </Dialog></dialogs></data>
        <event>POST</event>
      </Update>
  - acd: DELETE /acd/Call/{{call}}
  - expect: agent
    node: /finesse/api/User/1001/Dialogs
    partial: true
    update: <Update><data><dialog><id>{{dialog}}</id><state>DROPPED</state></dialog></data><event>PUT</event></Update>
  - expect: agent
    node: /finesse/api/User/1001/Dialogs
    partial: true
    update: <Update><data><dialogs><Dialog><id>{{dialog}}</id></Dialog></dialogs></data><event>DELETE</event></Update>
  - expect: agent
    node: /finesse/api/User/1001
    partial: true
    update: <Update><data><user><state>READY</state></user></data></Update>
`

// TestAlteredScenariosFail: the base flow passes; each deliberate
// alteration fails at the step it touched, with a report that names the
// difference.
func TestAlteredScenariosFail(t *testing.T) {
	run := func(t *testing.T, text string) (Result, string) {
		sc, err := Parse([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		res := startServer(t).target("tcp").Run(context.Background(), sc)
		var b strings.Builder
		WriteText(&b, res)
		return res, b.String()
	}
	if res, report := run(t, base); res.Failed() {
		t.Fatalf("the base flow fails:\n%s", report)
	}
	for _, c := range []struct {
		name, from, to string
		step           int
		report         []string // what the report must say
	}{
		{
			name: "wrong participant state", step: 7,
			from: "<state>ALERTING</state>", to: "<state>ACTIVE</state>",
			report: []string{"/Update/data/dialogs/Dialog/participants/Participant[2]/state: want \"ACTIVE\", got \"ALERTING\""},
		},
		{
			name: "wrong requestId", step: 4,
			from: "<requestId>ready-1</requestId>", to: "<requestId>ready-2</requestId>",
			report: []string{"/Update/requestId: want \"ready-2\", got \"ready-1\""},
		},
		{
			name: "missing event", step: 10,
			from: "  - expect: agent\n    node: /finesse/api/User/1001\n    partial: true\n    update: <Update><data><user><state>RESERVED</state></user></data></Update>\n", to: "",
			report: []string{"/Update/data/user/state: want \"READY\", got \"RESERVED\""},
		},
		{
			name: "missing last event", step: 0,
			from: "  - expect: agent\n    node: /finesse/api/User/1001\n    partial: true\n    update: <Update><data><user><state>READY</state></user></data></Update>\n", to: "",
			report: []string{"1 notifications no step expected", "<state>READY</state>"},
		},
		{
			name: "extra event", step: 12,
			from: "", to: "  - expect: agent\n    node: /finesse/api/User/1001\n    within: 300ms\n    update: <Update/>\n",
			report: []string{"nothing on /finesse/api/User/1001 within 300ms"},
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := base + c.to
			if c.from != "" {
				if !strings.Contains(base, c.from) {
					t.Fatalf("the base has no %q", c.from)
				}
				text = strings.Replace(base, c.from, c.to, 1)
			}
			res, report := run(t, text)
			if !res.Failed() {
				t.Fatalf("the altered flow passes:\n%s", report)
			}
			last := res.Steps[len(res.Steps)-1]
			if last.Step != c.step {
				t.Errorf("failed at step %d, want %d:\n%s", last.Step, c.step, report)
			}
			for _, want := range c.report {
				if !strings.Contains(report, want) {
					t.Errorf("the report does not say %q:\n%s", want, report)
				}
			}
		})
	}
}
