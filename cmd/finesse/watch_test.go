package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

const signIn1001 = "<User><state>LOGIN</state><extension>3001</extension></User>"

// watching is one runWatch running in the background.
type watching struct {
	stdout, stderr *syncBuffer
	done           chan struct{} // closed when runWatch has returned
	err            error         // what it returned, once done is closed
}

func startWatch(args []string) *watching {
	w := &watching{stdout: newSyncBuffer(), stderr: newSyncBuffer(), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		w.err = runWatch(args, w.stdout, w.stderr)
	}()
	return w
}

// wait waits for runWatch to return (it ends itself at its -d).
func (w *watching) wait(t *testing.T) error {
	t.Helper()
	select {
	case <-w.done:
		return w.err
	case <-time.After(20 * time.Second):
		t.Fatalf("watch did not end at its -d\nstdout:\n%s\nstderr:\n%s", w.stdout, w.stderr)
		return nil
	}
}

// subscriptionsOf signs user in on a fresh TCP session and returns the
// server's pubsub subscriptions list for that user.
func subscriptionsOf(t *testing.T, srv liveServer, user string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := xmpptest.DialTCP(ctx, srv.xmpp, "localhost", user, "finesse")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reply, err := c.IQ(ctx, "<iq type='get' id='subs' to='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscriptions/></pubsub></iq>")
	if err != nil {
		t.Fatalf("subscriptions of %s: %v", user, err)
	}
	if !strings.Contains(reply, "type=\"result\"") || !strings.Contains(reply, "node=\"/finesse/api/User/"+user+"\"") {
		t.Fatalf("subscriptions of %s: want a result listing its own User node, got %s", user, reply)
	}
	return reply
}

func listsNode(subs, node string) bool { return strings.Contains(subs, "node=\""+node+"\"") }

// watchHeader is the line watch prints before each notification: time,
// node, item id.
func watchHeader(node string) *regexp.Regexp {
	return regexp.MustCompile(`(?m)^\d\d:\d\d:\d\d\.\d{3}  ` + regexp.QuoteMeta(node) + `  item \S+$`)
}

// A supervisor's watch, on every transport, prints the notifications of the
// nodes it subscribes to, each under a line naming its node and
// pretty-printed; when it ends at -d it returns no error and leaves no
// subscription behind.
func TestWatchPrintsSubscribedNodesAndUnsubscribes(t *testing.T) {
	const team, agent = "/finesse/api/Team/10/Users", "/finesse/api/User/1001"
	for _, transport := range desktopTransports {
		t.Run(transport, func(t *testing.T) {
			t.Parallel()
			srv := startLiveServer(t)
			args := append(srv.flags(transport), "-user", "2001", "-d", "3s", team, agent)
			w := startWatch(args)
			if !w.stderr.waitFor("subscribed to "+agent, w.done) {
				t.Fatalf("watch did not subscribe: %v\nstderr:\n%s", w.wait(t), w.stderr)
			}
			if !strings.Contains(w.stderr.String(), "subscribed to "+team+"\n") {
				t.Errorf("stderr does not say %s was subscribed to:\n%s", team, w.stderr)
			}
			// While watch runs, the server holds its subscriptions: the
			// check below, after it ends, can see them.
			if subs := subscriptionsOf(t, srv, "2001"); !listsNode(subs, team) || !listsNode(subs, agent) {
				t.Fatalf("while watch runs, 2001's subscriptions lack its nodes: %s", subs)
			}

			// Both nodes carry the sign-in; watch prints them until its -d.
			srv.put(t, agent, "1001", signIn1001)
			if err := w.wait(t); err != nil {
				t.Fatalf("watch ended with %v\nstderr:\n%s", err, w.stderr)
			}
			out := w.stdout.String()
			for _, node := range []string{team, agent} {
				if !watchHeader(node).MatchString(out) {
					t.Errorf("no notification line for %s in:\n%s", node, out)
				}
			}
			// Pretty-printed: the Update's children on lines of their own,
			// indented by two spaces per level.
			for _, want := range []string{"\n<Update>\n", "\n  <data>\n", "\n      <state>NOT_READY</state>\n", "\n      <extension>3001</extension>\n", "\n  <event>PUT</event>\n", "\n</Update>\n"} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			// One notification after another, no blank line between.
			if strings.Contains(out, "</Update>\n\n") {
				t.Errorf("a blank line after an Update:\n%s", out)
			}
			if n := strings.Count(out, "<state>NOT_READY</state>"); n != 2 {
				t.Errorf("%d NOT_READY updates, want one per node:\n%s", n, out)
			}

			subs := subscriptionsOf(t, srv, "2001")
			for _, node := range []string{team, agent} {
				if listsNode(subs, node) {
					t.Errorf("after watch ended, 2001 is still subscribed to %s: %s", node, subs)
				}
			}
		})
	}
}

// An agent's watch prints its own User node's notifications without
// subscribing to it (the node is automatic), and ends the one explicit
// subscription it made (its Queues node) when it ends.
func TestWatchPrintsOwnNodeAndUnsubscribes(t *testing.T) {
	const queues, own = "/finesse/api/User/1001/Queues", "/finesse/api/User/1001"
	srv := startLiveServer(t)
	w := startWatch(append(srv.flags("tcp"), "-d", "2s", queues))
	if !w.stderr.waitFor("subscribed to "+queues, w.done) {
		t.Fatalf("watch did not subscribe: %v\nstderr:\n%s", w.wait(t), w.stderr)
	}
	srv.put(t, own, "1001", signIn1001)
	if err := w.wait(t); err != nil {
		t.Fatalf("watch ended with %v\nstderr:\n%s", err, w.stderr)
	}
	out := w.stdout.String()
	if !watchHeader(own).MatchString(out) || !strings.Contains(out, "<state>NOT_READY</state>") || !strings.Contains(out, "<loginId>1001</loginId>") {
		t.Errorf("no pretty-printed NOT_READY Update on %s in:\n%s", own, out)
	}
	// Signing in changes no queue: the Queues node stays quiet.
	if watchHeader(queues).MatchString(out) {
		t.Errorf("a notification on %s:\n%s", queues, out)
	}
	subs := subscriptionsOf(t, srv, "1001")
	if listsNode(subs, queues) {
		t.Errorf("after watch ended, 1001 is still subscribed to %s: %s", queues, subs)
	}
}

// watch refuses what it cannot do before connecting anywhere, and a
// failed sign-in is an error naming the user and the condition the server
// gave, on every transport, not the XML it came in.
func TestWatchRefuses(t *testing.T) {
	srv := startLiveServer(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-transport", "pigeon"}, `-transport "pigeon"`},
		{append(srv.flags("tcp"), "-password", "wrong", "-d", "5s"), "sign in 1001: not-authorized"},
		{append(srv.flags("websocket"), "-password", "wrong", "-d", "5s"), "sign in 1001: not-authorized"},
		{append(srv.flags("bosh"), "-password", "wrong", "-d", "5s"), "sign in 1001 over BOSH: SASL refused: not-authorized"},
	} {
		w := startWatch(c.args)
		err := w.wait(t)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("watch %q: %v, want an error with %q\nstdout:\n%s", c.args, err, c.want, w.stdout)
		}
	}
}

// A subscription the server refuses (an unknown node: item-not-found; a
// team's node for an agent: forbidden) is an error of watch, as a failed
// sign-in is, not a "subscribed to" line followed by silence; it names the
// node and the condition, not the iq that carried it.
func TestWatchRefusedSubscription(t *testing.T) {
	srv := startLiveServer(t)
	for node, cond := range map[string]string{"/finesse/api/NoSuchNode": "item-not-found", "/finesse/api/Team/10/Users": "forbidden"} {
		w := startWatch(append(srv.flags("tcp"), "-user", "1001", "-d", "1s", node))
		want := "subscribe " + node + ": refused: " + cond
		if err := w.wait(t); err == nil || err.Error() != want {
			t.Errorf("watch -user 1001 %s: %v, want %q\nstderr:\n%s", node, err, want, w.stderr)
		}
	}
}

// pretty indents a compact document by two spaces a level, without the
// trailing newline, and leaves what is not XML as it is.
func TestPretty(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"<Update><data><user><state>READY</state></user></data><requestId/></Update>",
			"<Update>\n  <data>\n    <user>\n      <state>READY</state>\n    </user>\n  </data>\n  <requestId/>\n</Update>"},
		{"\n  <Update>\n<event>PUT</event></Update>\n\n", "<Update>\n  <event>PUT</event>\n</Update>"},
		{"not xml <", "not xml <"},
		{"", ""},
	} {
		if got := pretty(c.in); got != c.want {
			t.Errorf("pretty(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
