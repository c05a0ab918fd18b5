package conformance

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// TestSubscriptionsEndWithTheScenario: a desktop's subscriptions outlive
// its session, so a scenario that made one must end it, or the user's
// desktop in a later scenario on the same server receives notifications
// nobody expected.
func TestSubscriptionsEndWithTheScenario(t *testing.T) {
	sc, err := Parse([]byte(`
name: A supervisor watches a queue
desktops:
  supervisor: {user: "2001", subscribe: [/finesse/api/Queue/200], ignore: [/finesse/api/SystemInfo]}
steps:
  - wait: 10ms
`))
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t)
	for _, transport := range transports {
		if res := srv.target(transport).Run(context.Background(), sc); res.Failed() {
			var b strings.Builder
			WriteText(&b, res)
			t.Fatalf("%s: %s", transport, b.String())
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := xmpptest.DialTCP(ctx, srv.XMPP, "localhost", "2001", "finesse")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reply, err := c.IQ(ctx, "<iq type='get' id='subs' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions/></pubsub></iq>")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(reply, "type='result'") && !strings.Contains(reply, `type="result"`) {
		t.Fatalf("subscriptions list: %s", reply)
	}
	if strings.Contains(reply, "/finesse/api/Queue/200") {
		t.Fatalf("the scenario's subscription survived it: %s", reply)
	}
}

// TestEarlierScenariosEventsAreForgotten: finessed replays to a user's
// new desktop what it missed since its last one left, within the grace
// period. On a server that ran an earlier scenario those are the earlier
// scenario's events, which the next scenario must not be held to.
func TestEarlierScenariosEventsAreForgotten(t *testing.T) {
	scenarios := []string{`
name: A desktop comes and goes
desktops:
  agent: {user: "1003", ignore: [/finesse/api/SystemInfo]}
steps:
  - wait: 10ms
`, `
name: The agent signs in and out with no desktop open
steps:
  - rest: PUT /finesse/api/User/1003
    as: "1003"
    body: <User><state>LOGIN</state><extension>3003</extension></User>
  - wait: 100ms
  - rest: PUT /finesse/api/User/1003
    as: "1003"
    body: <User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>
  - wait: 100ms
`, `
name: A desktop opens and nothing happens
desktops:
  agent: {user: "1003", ignore: [/finesse/api/SystemInfo]}
steps:
  - wait: 10ms
`}
	target := startServer(t).target("tcp")
	for _, text := range scenarios {
		sc, err := Parse([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if res := target.Run(context.Background(), sc); res.Failed() {
			var b strings.Builder
			WriteText(&b, res)
			t.Fatal(b.String())
		}
	}
}
