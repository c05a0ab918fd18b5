package xmpptest_test

import (
	"context"
	"fmt"
	"log"
	"net/http"
	"strings"

	"github.com/finessed/finessed/internal/livetest"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// A desktop signs in over XMPP, sends its presence and receives the User
// Update a REST request causes, as a Finesse desktop does.
func ExampleDialTCP() {
	srv, err := livetest.New()
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	desktop, err := xmpptest.DialTCP(ctx, srv.XMPP, "localhost", "1004", "finesse")
	if err != nil {
		log.Fatal(err)
	}
	defer desktop.Close()
	if err := desktop.Available(ctx); err != nil {
		log.Fatal(err)
	}

	req, _ := http.NewRequest(http.MethodPut, srv.REST+"/finesse/api/User/1004",
		strings.NewReader("<User><state>LOGIN</state><extension>3004</extension></User>"))
	req.SetBasicAuth("1004", "finesse")
	req.Header.Set("Content-Type", "application/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	fmt.Println("PUT:", resp.StatusCode)

	for {
		n, err := desktop.Next(ctx)
		if err != nil {
			log.Fatal(err)
		}
		if n.Node != "/finesse/api/User/1004" {
			continue // SystemInfo, for one
		}
		user, err := model.ParseUser(n.Update.Data)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(n.Node, n.Update.Event, user.State, user.Extension)
		break
	}
	// Output:
	// PUT: 202
	// /finesse/api/User/1004 PUT NOT_READY 3004
}
