package conformance_test

import (
	"context"
	"fmt"
	"log"

	"github.com/finessed/finessed/conformance"
	"github.com/finessed/finessed/internal/livetest"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// A scenario run against a server over the wire: here an in-process
// finessed, but any Finesse-compatible server answers the same way, given
// its REST base URL and a way to dial its XMPP service.
func ExampleTarget_Run() {
	srv, err := livetest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	sc, err := conformance.Parse([]byte(`
name: An agent signs in and out
desktops:
  agent: {user: "1003", ignore: [/finesse/api/SystemInfo]}
steps:
  - rest: PUT /finesse/api/User/1003
    as: "1003"
    body: <User><state>LOGIN</state><extension>3003</extension></User>
    status: 202
  - expect: agent
    node: /finesse/api/User/1003
    partial: true
    update: <Update><data><user><state>NOT_READY</state></user></data></Update>
  - rest: PUT /finesse/api/User/1003
    as: "1003"
    body: <User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>
  - expect: agent
    node: /finesse/api/User/1003
    partial: true
    update: <Update><data><user><state>LOGOUT</state></user></data></Update>
`))
	if err != nil {
		log.Fatal(err)
	}
	target := conformance.Target{
		REST: srv.REST, Password: "finesse", Admin: "admin",
		Dial: func(ctx context.Context, user, password string) (conformance.Session, error) {
			return xmpptest.DialTCP(ctx, srv.XMPP, "localhost", user, password)
		},
	}
	result := target.Run(context.Background(), sc)
	for _, step := range result.Steps {
		fmt.Println(step.Step, step.Title, step.Err == nil)
	}
	fmt.Println("failed:", result.Failed())
	// Output:
	// 1 PUT /finesse/api/User/1003 as 1003 true
	// 2 agent receives on /finesse/api/User/1003 true
	// 3 PUT /finesse/api/User/1003 as 1003 true
	// 4 agent receives on /finesse/api/User/1003 true
	// 0 no notification left unexpected true
	// failed: false
}
