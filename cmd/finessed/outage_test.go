package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis/redistest"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// withRedis is withNotify on the Redis at url, as node id.
func withRedis(url, id string) options {
	o := withNotify()
	o.redisURL, o.nodeID = url, id
	return o
}

// TestRedisOutage stops the node's redis-server and starts it again. While
// it is down the node reports OUT_OF_SERVICE (GET SystemInfo still 200,
// and a SystemInfo notification reaches the desktop although the shared
// log is down), and answers every other request 503 Service Unavailable,
// /readyz included, while /healthz stays 200 and finesse_in_service is 0;
// the desktop stays connected. Back up, the node reports IN_SERVICE and
// republishes the agent's state and its live call; nothing was lost
// (appendonly), and the agent carries on with the same call.
func TestRedisOutage(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	redis, srv, dsk := signedInOnRedis(t, ctx)
	base := srv.url("rest")
	putState(t, base, "1001", "1001", "<User><state>READY</state></User>", "")
	expectUser(t, ctx, dsk, "/finesse/api/User/1001", model.StateReady, "")
	if status, body := call(t, "POST", base+"/acd/Calls", "admin", "<Call><queue>100</queue><ani>5551234</ani></Call>"); status != 201 {
		t.Fatalf("inject a call: %d %s", status, body)
	}
	expectUser(t, ctx, dsk, "/finesse/api/User/1001", model.StateReserved, "")
	dialog := nextOn(t, ctx, dsk, "/finesse/api/User/1001/Dialogs")
	answer := "<Dialog><requestedAction>ANSWER</requestedAction><targetMediaAddress>3001</targetMediaAddress></Dialog>"
	uri := base + "/finesse/api/Dialog/" + dialog.ID
	if status, body := call(t, "PUT", uri, "1001", answer); status != 202 {
		t.Fatalf("answer: %d %s", status, body)
	}
	nextOn(t, ctx, dsk, "/finesse/api/User/1001/Dialogs")
	expectUser(t, ctx, dsk, "/finesse/api/User/1001", model.StateTalking, "")

	probes(t, base, 200)
	redis.Stop()
	expectSystemInfo(t, ctx, dsk, model.StatusOutOfService)
	probes(t, base, 503)
	if info := systemInfo(t, base); info.Status != model.StatusOutOfService {
		t.Fatalf("GET SystemInfo while Redis is down: status %s", info.Status)
	}
	for _, req := range []struct{ method, path, body string }{
		{"GET", "/finesse/api/User/1001", ""},
		{"PUT", "/finesse/api/User/1001", "<User><state>NOT_READY</state></User>"},
		{"GET", "/acd/Calls", ""},
	} {
		user := map[bool]string{true: "admin", false: "1001"}[strings.HasPrefix(req.path, "/acd/")]
		status, body := call(t, req.method, base+req.path, user, req.body)
		if status != 503 || !strings.Contains(body, "<ErrorType>Service Unavailable</ErrorType>") {
			t.Errorf("%s %s while Redis is down: %d %s, want 503 Service Unavailable", req.method, req.path, status, body)
		}
	}

	if err := redis.Restart(); err != nil {
		t.Fatal(err)
	}
	expectSystemInfo(t, ctx, dsk, model.StatusInService)
	probes(t, base, 200)
	republished := map[string]bool{}
	for len(republished) < 2 {
		n, err := dsk.Next(ctx)
		if err != nil {
			t.Fatalf("waiting for the republished state (have %v): %v", republished, err)
		}
		switch n.Node {
		case "/finesse/api/User/1001":
			u, err := model.ParseUser(n.Update.Data)
			if err != nil || u.State != model.StateTalking {
				t.Fatalf("republished User: %v %s", err, n.Text)
			}
		case "/finesse/api/User/1001/Dialogs":
			d, err := model.ParseDialog(n.Update.Data)
			if err != nil || d.ID != dialog.ID || d.State != "ACTIVE" {
				t.Fatalf("republished Dialog: %v %s", err, n.Text)
			}
		default:
			t.Fatalf("unexpected notification on %s: %s", n.Node, n.Text)
		}
		republished[n.Node] = true
	}
	if u := userState(t, base, "1001", "1001"); u.State != model.StateTalking {
		t.Fatalf("after the outage 1001 is %s, want TALKING", u.State)
	}
	drop := strings.Replace(answer, "ANSWER", "DROP", 1)
	if status, body := call(t, "PUT", uri, "1001", drop); status != 202 {
		t.Fatalf("drop after the outage: %d %s", status, body)
	}
	nextOn(t, ctx, dsk, "/finesse/api/User/1001/Dialogs")
}

// signedInOnRedis starts node a on a Redis of its own, connects a desktop
// of 1001 over TCP and signs 1001 in on 3001: the desktop has received
// the NOT_READY.
func signedInOnRedis(t *testing.T, ctx context.Context) (*redistest.Server, *server, desktopClient) {
	t.Helper()
	redis := redistest.Start(t)
	srv := startServer(t, withRedis(redis.URL(), "a"))
	dsk := desktop(t, ctx, dialers(srv)["tcp"], "1001")
	putState(t, srv.url("rest"), "1001", "1001", "<User><state>LOGIN</state><extension>3001</extension></User>", "")
	expectUser(t, ctx, dsk, "/finesse/api/User/1001", model.StateNotReady, "")
	return redis, srv, dsk
}

// probes checks that /readyz answers ready and finesse_in_service says
// the same, and /healthz 200 whatever the node's status.
func probes(t *testing.T, base string, ready int) {
	t.Helper()
	if status, body := call(t, "GET", base+"/readyz", "", ""); status != ready {
		t.Errorf("/readyz: %d %q, want %d", status, body, ready)
	}
	if got, want := scrape(t, base)["finesse_in_service"], one(ready == 200); got != want {
		t.Errorf("finesse_in_service %v, want %v", got, want)
	}
	if status, body := call(t, "GET", base+"/healthz", "", ""); status != 200 {
		t.Errorf("/healthz: %d %q, want 200", status, body)
	}
}

// nextOn waits for the next notification, which must be on node and carry
// a Dialog, and returns that dialog.
func nextOn(t *testing.T, ctx context.Context, c desktopClient, node string) model.Dialog {
	t.Helper()
	n, err := c.Next(ctx)
	if err != nil {
		t.Fatalf("waiting for a notification on %s: %v", node, err)
	}
	if n.Node != node {
		t.Fatalf("notification on %s, want %s:\n%s", n.Node, node, n.Text)
	}
	d, err := dialogIn(n)
	if err != nil {
		t.Fatalf("notification on %s: %v\n%s", node, err, n.Text)
	}
	return d
}

// dialogIn is the dialog a Dialogs notification carries, whether the one
// dialog (PUT) or a dialogs collection of one (POST, DELETE).
func dialogIn(n xmpptest.Notification) (model.Dialog, error) {
	el := n.Update.Data
	if el != nil && el.Tag == "dialogs" {
		if first := el.SelectElement("Dialog"); first != nil {
			el = first
		}
	}
	return model.ParseDialog(el)
}

// expectSystemInfo waits for a SystemInfo notification with status.
func expectSystemInfo(t *testing.T, ctx context.Context, c desktopClient, status string) {
	t.Helper()
	n, err := c.Next(ctx)
	if err != nil {
		t.Fatalf("waiting for SystemInfo %s: %v", status, err)
	}
	if n.Node != model.SystemInfoURI {
		t.Fatalf("notification on %s, want SystemInfo %s:\n%s", n.Node, status, n.Text)
	}
	info, err := model.ParseSystemInfo(n.Update.Data)
	if err != nil || info.Status != status {
		t.Fatalf("SystemInfo notification %v, want status %s:\n%s", err, status, n.Text)
	}
}

func systemInfo(t *testing.T, base string) model.SystemInfo {
	t.Helper()
	status, body := call(t, "GET", base+"/finesse/api/SystemInfo", "1001", "")
	if status != 200 {
		t.Fatalf("GET SystemInfo: %d %s", status, body)
	}
	root, err := model.ParseRoot([]byte(body), "SystemInfo")
	if err != nil {
		t.Fatal(err)
	}
	info, err := model.ParseSystemInfo(root)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
