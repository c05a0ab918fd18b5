//go:build unix

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
	goredis "github.com/redis/go-redis/v9"

	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/redis/redistest"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// The keys of the Redis the nodes share, with redis.Store's default prefix
// (redis/keys.go): the event stream (entry n-0 is event n), the last event
// number, and the epoch that item ids start with.
const (
	eventsKey   = "finesse:events"
	eventSeqKey = "finesse:eventseq"
	epochKey    = "finesse:epoch"
)

// reconnectBound is how soon after its node is killed a desktop must be
// connected to the other node (issue #5).
const reconnectBound = 3 * time.Second

// TestFailover is issue #5's end-to-end failover: two finessed processes on
// one real redis-server, each the other's -peer. Agent 1001 signs in on
// node A and goes READY while supervisor 2001 watches team 10 from node B;
// a customer call is routed to 1001 and answered; node A hangs (SIGSTOP),
// an event for the agent is committed on node B, and node A is killed with
// SIGKILL mid-call. The agent's desktop finds node B in the SystemInfo it
// read earlier and reconnects there within 3 s, where the agent is still
// TALKING on the same dialog; it drops the call and wrap-up ends by node
// B's timer. Two more desktops of the supervisor, on node A under their
// own resources, come back to node B under the same ones, at once and 3 s
// after the kill (issue #14). Every event on the agent's and the team's
// nodes, as committed to the Redis stream, must have reached each desktop
// (duplicates allowed), including the one node A never delivered.
func TestFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server and two finessed processes")
	}
	rds := redistest.Start(t)
	if !rds.Real {
		t.Skip("no redis-server on PATH: the failover test needs the real one")
	}
	cfgPath, dir := failoverConfig(t)
	bin := buildFinessed(t)

	ports := freePorts(t, 4)
	restA, xmppA, restB, xmppB := ports[0], ports[1], ports[2], ports[3]
	nodeArgs := func(id string, rest, xmpp, peerRest int) []string {
		return []string{
			"-config", cfgPath, "-redis", rds.URL(), "-node-id", id,
			"-peer", "127.0.0.1:" + strconv.Itoa(peerRest),
			"-rest-addr", "127.0.0.1:" + strconv.Itoa(rest), "-xmpp-addr", "127.0.0.1:" + strconv.Itoa(xmpp),
			"-rest-tls-addr", "", "-bosh-addr", "", "-bosh-tls-addr", "",
		}
	}
	nodeA := startFinessed(t, bin, "a", restA, xmppA, nodeArgs("a", restA, xmppA, restB)...)
	nodeB := startFinessed(t, bin, "b", restB, xmppB, nodeArgs("b", restB, xmppB, restA)...)
	nodeA.waitReady(t, dir.agent, dir.password(dir.agent))
	nodeB.waitReady(t, dir.agent, dir.password(dir.agent))
	rdb := rds.Client(t)
	api := &restClient{t: t, dir: dir}

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()

	// Both nodes describe the same pair, a (its id sorts first) then b,
	// each reached on 127.0.0.1, the host its peer names with -peer.
	sysInfo := sameSystemInfo(t, ctx, api, nodeA, nodeB)
	checkNode := func(which string, got model.NodeInfo, xmppPort int) {
		if got.Host != "127.0.0.1" || got.XMPPPort != strconv.Itoa(xmppPort) {
			t.Errorf("SystemInfo %s: host %q xmppPort %q, want 127.0.0.1 and %d", which, got.Host, got.XMPPPort, xmppPort)
		}
	}
	checkNode("primaryNode (node a)", sysInfo.PrimaryNode, xmppA)
	checkNode("secondaryNode (node b)", sysInfo.SecondaryNode, xmppB)

	// The supervisor watches team 10 from node B; only events committed
	// after its subscription are owed to it.
	supervisor := newRecorder("supervisor " + dir.supervisor)
	supClient := dialDesktop(t, ctx, nodeB.xmppAddr, dir.supervisor, dir.password(dir.supervisor))
	supervisor.pump(t, supClient)
	teamNode := "/finesse/api/Team/" + dir.team + "/Users"
	if reply, err := supClient.Subscribe(ctx, teamNode); err != nil || !strings.Contains(reply, "subscribed") {
		t.Fatalf("supervisor subscribes to %s on node b: %v %s", teamNode, err, reply)
	}
	supervisorFrom := lastEvent(t, ctx, rdb)

	// Two more desktops of the supervisor, on node A, each under its own
	// resource and subscribed with its full JID: both are lost with node
	// A; one comes back to node B at once, the other 3 s after the kill,
	// when node B has noticed node A died. Each must receive every team
	// event from here on, under its own JID, although the supervisor keeps
	// a desktop on node B all along.
	moving := map[string]*recorder{}
	movingEnded := map[string]<-chan struct{}{}
	for _, res := range []string{"wall", "desk"} {
		rec := newRecorder("supervisor " + dir.supervisor + "/" + res)
		c := dialDesktopAs(t, ctx, nodeA.xmppAddr, dir.supervisor, res, dir.password(dir.supervisor))
		movingEnded[res] = rec.pump(t, c)
		if reply, err := c.Subscribe(ctx, teamNode); err != nil || !strings.Contains(reply, "subscribed") {
			t.Fatalf("supervisor/%s subscribes to %s on node a: %v %s", res, teamNode, err, reply)
		}
		moving[res] = rec
	}
	movingFrom := lastEvent(t, ctx, rdb)

	// The agent's desktop is on node A and reads SystemInfo there, as the
	// Finesse desktop does at sign-in.
	agentNode, dialogsNode := "/finesse/api/User/"+dir.agent, "/finesse/api/User/"+dir.agent+"/Dialogs"
	desk := newRecorder("agent " + dir.agent)
	first := desk.pump(t, dialDesktop(t, ctx, nodeA.xmppAddr, dir.agent, dir.password(dir.agent)))
	deskSysInfo := api.systemInfo(nodeA)
	connectedTo := nodeA.xmppAddr

	a := nodeA.restURL()
	api.put(a+"/finesse/api/User/"+dir.agent, dir.agent, "<User><state>LOGIN</state><extension>"+dir.extension+"</extension></User>", "failover-login")
	desk.wait(t, ctx, "NOT_READY after LOGIN", 0, userIn(agentNode, model.StateNotReady))
	api.put(a+"/finesse/api/User/"+dir.agent, dir.agent, "<User><state>READY</state></User>", "failover-ready")
	desk.wait(t, ctx, "READY", 0, userIn(agentNode, model.StateReady))
	supervisor.wait(t, ctx, "the agent's READY on "+teamNode, 0, userIn(teamNode, model.StateReady))

	// A customer call into a queue the agent serves, injected on node B,
	// rings the agent's desktop on node A; the agent answers on node A.
	status, body := api.do("POST", nodeB.restURL()+"/acd/Calls", dir.admin,
		"<Call><queue>"+dir.queue+"</queue><ani>5551234</ani><dnis>8000</dnis></Call>", "")
	if status != http.StatusCreated {
		t.Fatalf("POST /acd/Calls on node b: %d %s", status, body)
	}
	ringing := desk.wait(t, ctx, "the ALERTING dialog", 0, dialogOn(dialogsNode, dir.extension, "ALERTING"))
	offered, _ := dialogOf(desk.at(ringing).Notification)
	dialogID := offered.ID
	api.put(a+"/finesse/api/Dialog/"+dialogID, dir.agent,
		"<Dialog><requestedAction>ANSWER</requestedAction><targetMediaAddress>"+dir.extension+"</targetMediaAddress></Dialog>", "failover-answer")
	desk.wait(t, ctx, "the ACTIVE dialog", 0, dialogOn(dialogsNode, dir.extension, "ACTIVE"))
	desk.wait(t, ctx, "TALKING", 0, userIn(agentNode, model.StateTalking))

	// Node A hangs, then dies. While it hangs, the agent asks for wrap-up
	// after the call (team 10 wraps up incoming calls only when asked) on
	// node B: an event committed before the kill that node A never
	// delivered, which node B owes the desktop when it comes back.
	nodeA.freeze(t)
	api.put(nodeB.restURL()+"/finesse/api/User/"+dir.agent, dir.agent, "<User><state>WORK_READY</state></User>", "failover-pending-wrapup")
	killed := time.Now()
	nodeA.kill()
	lastBeforeKill := lastEvent(t, ctx, rdb) // node b may have added some since: they are owed too

	// The desktop notices its stream ended and goes to the node SystemInfo
	// named that is not the one it lost.
	select {
	case <-first:
	case <-ctx.Done():
		t.Fatal("the agent's desktop did not notice node a died")
	}
	noticed := time.Since(killed)
	next := otherNode(deskSysInfo, connectedTo)
	if next == "" {
		t.Fatalf("the SystemInfo the desktop read on node a names no node other than %s: primary %+v, secondary %+v",
			connectedTo, deskSysInfo.PrimaryNode, deskSysInfo.SecondaryNode)
	}
	if next != nodeB.xmppAddr {
		t.Fatalf("the desktop would fail over to %s, want node b at %s", next, nodeB.xmppAddr)
	}
	second, reconnected := reconnect(t, ctx, next, dir.agent, dir.password(dir.agent))
	desk.pump(t, second)
	reconnectedAfter := reconnected.Sub(killed)

	// The supervisor's wall display comes back at once, its other desktop
	// 3 s after the kill, while the agent carries on.
	<-movingEnded["wall"]
	wall, err := reconnectAs(ctx, next, dir.supervisor, "wall", dir.password(dir.supervisor))
	if err != nil {
		t.Fatal(err)
	}
	moving["wall"].pump(t, wall)
	deskBack := make(chan *xmpptest.Client, 1)
	go func() {
		defer close(deskBack)
		<-movingEnded["desk"]
		select {
		case <-time.After(time.Until(killed.Add(3 * time.Second))):
		case <-ctx.Done():
			return
		}
		c, err := reconnectAs(ctx, next, dir.supervisor, "desk", dir.password(dir.supervisor))
		if err != nil {
			t.Error(err)
			return
		}
		deskBack <- c
	}()

	b := nodeB.restURL()
	u := api.user(b, dir.agent)
	failover := time.Since(killed)
	t.Logf("failover: desktop noticed node a gone after %v, reconnected to node b after %v, GET User TALKING on node b after %v",
		noticed.Round(time.Millisecond), reconnectedAfter.Round(time.Millisecond), failover.Round(time.Millisecond))
	if reconnectedAfter > reconnectBound {
		t.Errorf("the desktop reconnected %v after the kill, want within %v", reconnectedAfter, reconnectBound)
	}
	if u.State != model.StateTalking || u.PendingState != model.StateWorkReady {
		t.Errorf("GET User/%s on node b: %s pending %q, want TALKING pending WORK_READY", dir.agent, u.State, u.PendingState)
	}
	dialogs := api.dialogs(b, dir.agent)
	if len(dialogs) != 1 || dialogs[0].ID != dialogID || dialogs[0].State != "ACTIVE" {
		t.Errorf("GET User/%s/Dialogs on node b: %+v, want dialog %s ACTIVE", dir.agent, dialogs, dialogID)
	}

	// The agent drops the call on node B and wraps up; node B's timer ends
	// the wrap-up.
	desk2 := desk.mark() // what the reconnected desktop receives from here
	api.put(b+"/finesse/api/Dialog/"+dialogID, dir.agent,
		"<Dialog><requestedAction>DROP</requestedAction><targetMediaAddress>"+dir.extension+"</targetMediaAddress></Dialog>", "failover-drop")
	wrapping := desk.wait(t, ctx, "WORK_READY after DROP, on node b", desk2, userIn(agentNode, model.StateWorkReady))
	done := desk.wait(t, ctx, "READY when node b's wrap-up timer fires", wrapping+1, userIn(agentNode, model.StateReady))
	if n := desk.at(done); n.conn != 2 || n.Update.RequestID != "" {
		t.Errorf("wrap-up ended with requestId %q on connection %d, want none (the timer) on the connection to node b", n.Update.RequestID, n.conn)
	}
	supervisor.wait(t, ctx, "the agent's READY after wrap-up on "+teamNode, 0, func(n xmpptest.Notification) bool {
		return userIn(teamNode, model.StateReady)(n) && n.Update.RequestID == ""
	})
	if got := api.user(b, dir.agent); got.State != model.StateReady {
		t.Errorf("GET User/%s on node b after wrap-up: %s, want READY", dir.agent, got.State)
	}
	if left := api.dialogs(b, dir.agent); len(left) != 0 {
		t.Errorf("GET User/%s/Dialogs on node b after wrap-up: %+v, want none", dir.agent, left)
	}

	// Every event on the agent's nodes committed before the kill reached
	// its desktop on either connection; every one committed after, on the
	// connection to node B. The supervisor's desktop never lost its node:
	// it has every team event committed since it subscribed.
	epoch, events := readEvents(t, ctx, rdb)
	var beforeKill, afterKill, team []string
	for _, ev := range events {
		item := epoch + strconv.FormatUint(ev.id, 10)
		if slices.Contains(ev.nodes, agentNode) || slices.Contains(ev.nodes, dialogsNode) {
			if ev.id <= lastBeforeKill {
				beforeKill = append(beforeKill, item)
			} else {
				afterKill = append(afterKill, item)
			}
		}
		if ev.id > supervisorFrom && slices.Contains(ev.nodes, teamNode) {
			team = append(team, item)
		}
	}
	t.Logf("events on %s and its Dialogs: %d up to the kill (event %d), %d after; on %s: %d",
		agentNode, len(beforeKill), lastBeforeKill, len(afterKill), teamNode, len(team))
	if missing := desk.waitItems(ctx, 0, beforeKill); len(missing) > 0 {
		t.Errorf("the agent's desktop never received these events committed before node a was killed: %v\n%s", missing, desk.dump(events, epoch))
	}
	onlyB, onA := desk.missingOn(1, beforeKill), desk.missingOn(2, beforeKill)
	t.Logf("of those up to the kill, %d reached the desktop only on node b (replayed: %v), %d on node a only, %d on both (replayed again)",
		len(onlyB), onlyB, len(onA), len(beforeKill)-len(onlyB)-len(onA))
	if missing := desk.waitItems(ctx, 2, afterKill); len(missing) > 0 {
		t.Errorf("the agent's desktop on node b never received these events committed after the kill: %v\n%s", missing, desk.dump(events, epoch))
	}
	if missing := supervisor.waitItems(ctx, 0, team); len(missing) > 0 {
		t.Errorf("the supervisor's desktop never received these %s events: %v\n%s", teamNode, missing, supervisor.dump(events, epoch))
	}

	// Each of the supervisor's desktops that moved received every team
	// event committed since they subscribed, on one connection or the
	// other.
	if c := <-deskBack; c != nil {
		moving["desk"].pump(t, c)
	}
	var owed []string
	for _, ev := range events {
		if ev.id > movingFrom && slices.Contains(ev.nodes, teamNode) {
			owed = append(owed, epoch+strconv.FormatUint(ev.id, 10))
		}
	}
	for res, rec := range moving {
		if missing := rec.waitItems(ctx, 0, owed); len(missing) > 0 {
			t.Errorf("the supervisor's desktop %s never received these %s events: %v\n%s", res, teamNode, missing, rec.dump(events, epoch))
		}
		t.Logf("supervisor/%s: %d %s events owed, %d missing on node a, %d on node b",
			res, len(owed), teamNode, len(rec.missingOn(1, owed)), len(rec.missingOn(2, owed)))
	}
}

// failoverDirectory is who and what the test uses, from the config file
// the nodes serve.
type failoverDirectory struct {
	agent, extension, team, queue, supervisor, admin string
	passwords                                        map[string]string
}

func (d failoverDirectory) password(user string) string { return d.passwords[user] }

// failoverConfig writes the demo directory with a wrap-up timer of 1 s
// (demo.yaml's 60 s would outlast the test) and returns its path and the
// users the test plays: agent 1001, a supervisor of its team, an
// administrator, and a queue 1001 serves.
func failoverConfig(t *testing.T) (string, failoverDirectory) {
	t.Helper()
	demo := config.DemoYAML()
	timer := regexp.MustCompile(`(?m)^(\s*wrapUpTimer:\s*)\S+`)
	if !timer.Match(demo) {
		t.Fatal("demo.yaml sets no wrapUpTimer to shorten")
	}
	yaml := timer.ReplaceAll(demo, []byte("${1}1s"))
	f, err := config.Parse(yaml)
	if err != nil {
		t.Fatal(err)
	}
	if f.Config.Settings.WrapUpTimer != time.Second {
		t.Fatalf("wrapUpTimer %v after rewriting, want 1s", f.Config.Settings.WrapUpTimer)
	}
	d := failoverDirectory{agent: "1001", extension: "3001", passwords: map[string]string{}}
	for _, u := range f.Config.Users {
		d.passwords[u.ID] = u.Password
		switch {
		case u.ID == d.agent:
			d.team = u.Team
		case slices.Contains(u.Roles, model.RoleAdmin) && d.admin == "":
			d.admin = u.ID
		}
	}
	for _, u := range f.Config.Users {
		if slices.Contains(u.Roles, model.RoleSupervisor) && slices.Contains(u.Supervises, d.team) && d.supervisor == "" {
			d.supervisor = u.ID
		}
	}
	for _, q := range f.Config.Queues {
		if slices.Contains(q.Agents, d.agent) && d.queue == "" {
			d.queue = q.ID
		}
	}
	for _, team := range f.Config.Teams {
		if team.ID == d.team && team.WrapUpOnIncoming != model.WrapUpOptional && team.WrapUpOnIncoming != "" {
			t.Fatalf("team %s wraps up incoming calls %s; the test asks for wrap-up as OPTIONAL needs", team.ID, team.WrapUpOnIncoming)
		}
	}
	if d.team == "" || d.supervisor == "" || d.admin == "" || d.queue == "" || d.password(d.agent) == "" || d.password(d.supervisor) == "" || d.password(d.admin) == "" {
		t.Fatalf("the demo directory lacks what the test needs: %+v", d)
	}
	path := filepath.Join(t.TempDir(), "failover.yaml")
	if err := os.WriteFile(path, yaml, 0o600); err != nil {
		t.Fatal(err)
	}
	return path, d
}

// restClient calls the REST API with the directory's passwords.
type restClient struct {
	t    *testing.T
	dir  failoverDirectory
	http http.Client
}

func (c *restClient) do(method, url, user, body, requestID string) (int, string) {
	c.t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		c.t.Fatal(err)
	}
	req.SetBasicAuth(user, c.dir.password(user))
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	if requestID != "" {
		req.Header.Set("requestId", requestID)
	}
	c.http.Timeout = 10 * time.Second
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp.StatusCode, string(data)
}

// put expects 202 Accepted.
func (c *restClient) put(url, user, body, requestID string) {
	c.t.Helper()
	if status, resp := c.do("PUT", url, user, body, requestID); status != http.StatusAccepted {
		c.t.Fatalf("PUT %s %s: %d %s", url, body, status, resp)
	}
}

// restDoc is a response body and its root element.
type restDoc struct {
	el  *etree.Element
	raw string
}

func (c *restClient) get(url, user, root string) restDoc {
	c.t.Helper()
	status, body := c.do("GET", url, user, "", "")
	if status != http.StatusOK {
		c.t.Fatalf("GET %s: %d %s", url, status, body)
	}
	el, err := model.ParseRoot([]byte(body), root)
	if err != nil {
		c.t.Fatalf("GET %s: %v\n%s", url, err, body)
	}
	return restDoc{el: el, raw: body}
}

func (c *restClient) user(base, id string) model.User {
	c.t.Helper()
	u, err := model.ParseUser(c.get(base+"/finesse/api/User/"+id, id, "User").el)
	if err != nil {
		c.t.Fatal(err)
	}
	return u
}

func (c *restClient) dialogs(base, id string) []model.Dialog {
	c.t.Helper()
	var out []model.Dialog
	for _, el := range c.get(base+"/finesse/api/User/"+id+"/Dialogs", id, "Dialogs").el.SelectElements("Dialog") {
		d, err := model.ParseDialog(el)
		if err != nil {
			c.t.Fatal(err)
		}
		out = append(out, d)
	}
	return out
}

func (c *restClient) systemInfo(p *process) model.SystemInfo {
	c.t.Helper()
	s, err := model.ParseSystemInfo(c.get(p.restURL()+"/finesse/api/SystemInfo", c.dir.agent, "SystemInfo").el)
	if err != nil {
		c.t.Fatal(err)
	}
	return s
}

// sameSystemInfo waits until both nodes' SystemInfo name a second node
// and are the same apart from currentTimestamp (each node learns of its
// peer when the peer announces itself), and returns it. If they never
// agree, the test fails with both.
func sameSystemInfo(t *testing.T, ctx context.Context, api *restClient, a, b *process) model.SystemInfo {
	t.Helper()
	stamp := regexp.MustCompile(`<currentTimestamp>[^<]*</currentTimestamp>`)
	deadline := time.Now().Add(10 * time.Second)
	for {
		ea := api.get(a.restURL()+"/finesse/api/SystemInfo", api.dir.agent, "SystemInfo")
		eb := api.get(b.restURL()+"/finesse/api/SystemInfo", api.dir.agent, "SystemInfo")
		sa, err := model.ParseSystemInfo(ea.el)
		if err != nil {
			t.Fatal(err)
		}
		ra, rb := stamp.ReplaceAllString(ea.raw, ""), stamp.ReplaceAllString(eb.raw, "")
		if ra == rb && sa.SecondaryNode.Host != "" {
			return sa
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Errorf("the nodes' SystemInfo never named a pair or never agreed:\nnode a: %s\nnode b: %s", ea.raw, eb.raw)
			return sa
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// otherNode is the XMPP address of the node in s that is not lost, or ""
// when s names no other node: how a desktop picks where to fail over.
func otherNode(s model.SystemInfo, lost string) string {
	for _, n := range []model.NodeInfo{s.PrimaryNode, s.SecondaryNode} {
		if n.Host == "" || n.XMPPPort == "" {
			continue
		}
		if addr := net.JoinHostPort(n.Host, n.XMPPPort); addr != lost {
			return addr
		}
	}
	return ""
}

// dialDesktop signs user in over XMPP on TCP and sends its presence. The
// caller hands the client to a recorder, which closes it.
func dialDesktop(t *testing.T, ctx context.Context, addr, user, password string) *xmpptest.Client {
	t.Helper()
	c, err := xmpptest.DialTCP(ctx, addr, "localhost", user, password)
	if err != nil {
		t.Fatalf("desktop of %s on %s: %v", user, addr, err)
	}
	if err := c.Available(ctx); err != nil {
		t.Fatalf("desktop of %s on %s: presence: %v", user, addr, err)
	}
	return c
}

// dialDesktopAs is dialDesktop binding resource.
func dialDesktopAs(t *testing.T, ctx context.Context, addr, user, resource, password string) *xmpptest.Client {
	t.Helper()
	c, err := xmpptest.DialTCPResource(ctx, addr, "localhost", user, resource, password)
	if err != nil {
		t.Fatalf("desktop %s/%s on %s: %v", user, resource, addr, err)
	}
	if err := c.Available(ctx); err != nil {
		t.Fatalf("desktop %s/%s on %s: presence: %v", user, resource, addr, err)
	}
	return c
}

// reconnect retries signing in at addr every 150 ms, as a desktop does
// after losing its node, and returns the client and when it became
// available. The caller hands the client to a recorder, which closes it.
func reconnect(t *testing.T, ctx context.Context, addr, user, password string) (*xmpptest.Client, time.Time) {
	t.Helper()
	c, err := reconnectAs(ctx, addr, user, "", password)
	if err != nil {
		t.Fatal(err)
	}
	return c, time.Now()
}

// reconnectAs is reconnect binding resource ("" for one the server
// picks), for any goroutine: it returns its failure.
func reconnectAs(ctx context.Context, addr, user, resource, password string) (*xmpptest.Client, error) {
	var last error
	for ctx.Err() == nil {
		attempt, cancel := context.WithTimeout(ctx, time.Second)
		c, err := xmpptest.DialTCPResource(attempt, addr, "localhost", user, resource, password)
		if err == nil {
			if err = c.Available(attempt); err == nil {
				cancel()
				return c, nil
			}
			c.Close()
		}
		cancel()
		last = err
		time.Sleep(150 * time.Millisecond)
	}
	return nil, fmt.Errorf("the desktop %s/%s never reconnected to %s: %v", user, resource, addr, last)
}

// lastEvent is the number of the last event committed to the stream.
func lastEvent(t *testing.T, ctx context.Context, rdb *goredis.Client) uint64 {
	t.Helper()
	n, err := rdb.Get(ctx, eventSeqKey).Uint64()
	if err != nil && err != goredis.Nil {
		t.Fatalf("GET %s: %v", eventSeqKey, err)
	}
	return n
}

type streamEvent struct {
	id    uint64
	nodes []string
	text  string
}

// readEvents reads the whole event stream and its epoch.
func readEvents(t *testing.T, ctx context.Context, rdb *goredis.Client) (string, []streamEvent) {
	t.Helper()
	epoch, err := rdb.Get(ctx, epochKey).Result()
	if err != nil {
		t.Fatalf("GET %s: %v", epochKey, err)
	}
	msgs, err := rdb.XRange(ctx, eventsKey, "-", "+").Result()
	if err != nil {
		t.Fatalf("XRANGE %s: %v", eventsKey, err)
	}
	out := make([]streamEvent, 0, len(msgs))
	for _, m := range msgs {
		id, _, _ := strings.Cut(m.ID, "-")
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			t.Fatalf("stream entry %q: %v", m.ID, err)
		}
		ev := streamEvent{id: n}
		if nodes, _ := m.Values["n"].(string); nodes != "" {
			ev.nodes = strings.Split(nodes, "\n")
		}
		ev.text, _ = m.Values["p"].(string)
		out = append(out, ev)
	}
	return epoch, out
}

// received is one notification and the connection (1, 2...) it came on.
type received struct {
	xmpptest.Notification
	conn int
}

// recorder collects what one desktop receives over all its connections.
type recorder struct {
	name string

	mu      sync.Mutex
	got     []received
	conns   int
	changed chan struct{} // closed and replaced at every notification
}

func newRecorder(name string) *recorder {
	return &recorder{name: name, changed: make(chan struct{})}
}

// pump records c's notifications as the recorder's next connection until
// its stream ends, which closes the returned channel.
func (r *recorder) pump(t *testing.T, c *xmpptest.Client) <-chan struct{} {
	r.mu.Lock()
	r.conns++
	conn := r.conns
	r.mu.Unlock()
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		for {
			n, err := c.Next(ctx)
			if err == nil {
				r.add(conn, n)
				continue
			}
			if ctx.Err() != nil {
				return
			}
			// The stream ended. Next chooses at random between a
			// notification still buffered and the end of the stream, so
			// the end is believed only once it is all Next returns.
			for misses := 0; misses < 64 && ctx.Err() == nil; {
				if n, err := c.Next(ctx); err == nil {
					r.add(conn, n)
					misses = 0
				} else {
					misses++
				}
			}
			return
		}
	}()
	t.Cleanup(func() {
		c.Close()
		cancel()
		<-ended
	})
	return ended
}

func (r *recorder) add(conn int, n xmpptest.Notification) {
	r.mu.Lock()
	r.got = append(r.got, received{Notification: n, conn: conn})
	close(r.changed)
	r.changed = make(chan struct{})
	r.mu.Unlock()
}

// mark is the index the next notification will have.
func (r *recorder) mark() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *recorder) at(i int) received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.got[i]
}

// wait returns the index of the first notification from index from on
// that matches, waiting for it until ctx ends.
func (r *recorder) wait(t *testing.T, ctx context.Context, what string, from int, match func(xmpptest.Notification) bool) int {
	t.Helper()
	for {
		r.mu.Lock()
		for i := from; i < len(r.got); i++ {
			if match(r.got[i].Notification) {
				r.mu.Unlock()
				return i
			}
		}
		changed := r.changed
		r.mu.Unlock()
		select {
		case <-changed:
		case <-ctx.Done():
			t.Fatalf("%s's desktop: no %s; it received:\n%s", r.name, what, r.dump(nil, ""))
		}
	}
}

// waitItems waits until every item id in items has been received (on
// connection conn, or any when 0), and returns those that never were.
// It waits at most 5 s past what has arrived already, and not past ctx.
func (r *recorder) waitItems(ctx context.Context, conn int, items []string) []string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	for {
		r.mu.Lock()
		have := map[string]bool{}
		for _, n := range r.got {
			if conn == 0 || n.conn == conn {
				have[n.ItemID] = true
			}
		}
		var missing []string
		for _, it := range items {
			if !have[it] {
				missing = append(missing, it)
			}
		}
		changed := r.changed
		r.mu.Unlock()
		if len(missing) == 0 {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return missing
		}
	}
}

// missingOn is the items of items not received on connection conn.
func (r *recorder) missingOn(conn int, items []string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, it := range items {
		if !slices.ContainsFunc(r.got, func(n received) bool { return n.conn == conn && n.ItemID == it }) {
			out = append(out, it)
		}
	}
	return out
}

// dump lists what the desktop received and, given the stream, what was
// committed, for failure messages.
func (r *recorder) dump(events []streamEvent, epoch string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, n := range r.got {
		fmt.Fprintf(&b, "  conn %d item %s node %s: %s\n", n.conn, n.ItemID, n.Node, summary(n.Notification.Update))
	}
	if events != nil {
		b.WriteString("committed:\n")
		for _, ev := range events {
			fmt.Fprintf(&b, "  item %s%d nodes %v\n", epoch, ev.id, ev.nodes)
		}
	}
	return b.String()
}

// summary is one line about an Update: its event, source, requestId and
// the state it carries.
func summary(u model.Update) string {
	s := u.Event + " " + u.Source + " requestId=" + u.RequestID
	if u.Data != nil {
		s += " " + u.Data.Tag
		if st := u.Data.SelectElement("state"); st != nil {
			s += " state=" + st.Text()
		}
	}
	if len(u.Errors) > 0 {
		s += fmt.Sprintf(" errors=%+v", u.Errors)
	}
	return s
}

// userIn matches a User Update on node with the given state.
func userIn(node string, state model.AgentState) func(xmpptest.Notification) bool {
	return func(n xmpptest.Notification) bool {
		if n.Node != node || n.Update.Data == nil || n.Update.Data.Tag != "user" {
			return false
		}
		u, err := model.ParseUser(n.Update.Data)
		return err == nil && u.State == state
	}
}

// dialogOn matches a Dialog Update on node in which extension's party is
// in state.
func dialogOn(node, extension, state string) func(xmpptest.Notification) bool {
	return func(n xmpptest.Notification) bool {
		if n.Node != node {
			return false
		}
		d, ok := dialogOf(n)
		if !ok {
			return false
		}
		for _, p := range d.Participants {
			if p.MediaAddress == extension && p.State == state {
				return true
			}
		}
		return false
	}
}

// dialogOf is the dialog a Dialogs notification carries: <dialog> in a
// PUT, <dialogs><Dialog> in a POST or DELETE.
func dialogOf(n xmpptest.Notification) (model.Dialog, bool) {
	data := n.Update.Data
	if data == nil {
		return model.Dialog{}, false
	}
	switch data.Tag {
	case "dialogs":
		if data = data.SelectElement("Dialog"); data == nil {
			return model.Dialog{}, false
		}
	case "dialog":
	default:
		return model.Dialog{}, false
	}
	d, err := model.ParseDialog(data)
	return d, err == nil
}
