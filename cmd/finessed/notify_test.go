package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// withNotify is loopback plus the XMPP and BOSH/WebSocket listeners.
func withNotify() options {
	o := loopback()
	o.xmppAddr, o.boshAddr = "127.0.0.1:0", "127.0.0.1:0"
	return o
}

// desktopClient is what the tests need of a desktop on any transport.
type desktopClient interface {
	Available(ctx context.Context) error
	Subscribe(ctx context.Context, node string) (string, error)
	Next(ctx context.Context) (xmpptest.Notification, error)
	Close() error
}

type dialer func(ctx context.Context, user string) (desktopClient, error)

// dialers connect a desktop over each transport: mellium's client on TCP
// and WebSocket, a client written from the XEPs on BOSH.
func dialers(srv *server) map[string]dialer {
	return map[string]dialer{
		"tcp": func(ctx context.Context, user string) (desktopClient, error) {
			return xmpptest.DialTCP(ctx, srv.xmppAddr, "localhost", user, "finesse")
		},
		"websocket": func(ctx context.Context, user string) (desktopClient, error) {
			return xmpptest.DialWebSocket(ctx, "ws"+strings.TrimPrefix(srv.url("bosh"), "http")+"/ws", "localhost", user, "finesse")
		},
		"bosh": func(ctx context.Context, user string) (desktopClient, error) {
			return xmpptest.DialBOSH(ctx, srv.url("bosh")+"/http-bind", "localhost", user, "finesse")
		},
	}
}

func desktop(t *testing.T, ctx context.Context, dial dialer, user string) desktopClient {
	t.Helper()
	c, err := dial(ctx, user)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	if err := c.Available(ctx); err != nil {
		t.Fatal(err)
	}
	return c
}

func putState(t *testing.T, base, who, id, body, requestID string) {
	t.Helper()
	status, resp := callWith(t, "PUT", base+"/finesse/api/User/"+id, who, body, requestID)
	if status != 202 {
		t.Fatalf("PUT %s: %d %s", body, status, resp)
	}
}

// expectUser waits for a User Update on node with the given state and
// requestId.
func expectUser(t *testing.T, ctx context.Context, c desktopClient, node string, state model.AgentState, requestID string) {
	t.Helper()
	n, err := c.Next(ctx)
	if err != nil {
		t.Fatalf("waiting for %s on %s: %v", state, node, err)
	}
	if n.Node != node || n.Update.RequestID != requestID || n.Update.Data == nil {
		t.Fatalf("got node %s requestId %q, want %s %q:\n%s", n.Node, n.Update.RequestID, node, requestID, n.Text)
	}
	u, err := model.ParseUser(n.Update.Data)
	if err != nil || u.State != state || n.Update.Event != "PUT" || n.Update.Source != "/finesse/api/User/1001" {
		t.Fatalf("got %s %s from %s (%v), want %s:\n%s", u.State, n.Update.Event, n.Update.Source, err, state, n.Text)
	}
}

// TestDesktopReceivesItsEvents signs agent 1001 in over REST while its
// desktop listens on each transport, and checks every change arrives as a
// notification carrying the PUT's requestId; supervisor 2001 watches team
// 10 and sees the same changes; 1001 may not watch team 20.
func TestDesktopReceivesItsEvents(t *testing.T) {
	srv := startServer(t, withNotify())
	base := srv.url("rest")
	for transport, dial := range dialers(srv) {
		t.Run(transport, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			agent := desktop(t, ctx, dial, "1001")
			sup := desktop(t, ctx, dial, "2001")
			if reply, err := sup.Subscribe(ctx, "/finesse/api/Team/10/Users"); err != nil || !strings.Contains(reply, "subscribed") {
				t.Fatalf("supervisor subscribe: %v %s", err, reply)
			}
			if reply, err := agent.Subscribe(ctx, "/finesse/api/Team/20/Users"); err == nil && !strings.Contains(reply, "forbidden") {
				t.Fatalf("agent subscribed to another team: %s", reply)
			}
			steps := []struct {
				body  string
				state model.AgentState
			}{
				{"<User><state>LOGIN</state><extension>3001</extension></User>", model.StateNotReady},
				{"<User><state>READY</state></User>", model.StateReady},
				{"<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>", model.StateNotReady},
				{"<User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>", model.StateLogout},
			}
			for i, s := range steps {
				rid := transport + "-" + string(rune('a'+i))
				putState(t, base, "1001", "1001", s.body, rid)
				expectUser(t, ctx, agent, "/finesse/api/User/1001", s.state, rid)
				expectUser(t, ctx, sup, "/finesse/api/Team/10/Users", s.state, rid)
			}
		})
	}
}
