package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/loadgen"
)

// routeFlags are finesse route's flags.
type routeFlags struct {
	rest       string // one REST base URL or several, comma-separated
	configFile string
	queue      string
	agents     int
	calls      int
	parallel   int
	admin      string
	password   string
	poll       time.Duration
	timeout    time.Duration
	keep       bool
	insecure   bool
}

// runRoute measures routing: it signs a queue's agents in READY, brings
// calls into the queue from -parallel clients at once, spread over the
// -rest nodes, and times each from its POST /acd/Calls to its agent
// RESERVED (the call offered to an agent: the POST's answer names the
// agent, or, when another node's routing took the call, a GET of the call
// does a moment later).
func runRoute(args []string, stdout, stderr io.Writer) error {
	var f routeFlags
	fs := newFlagSet("route", "-config FILE [flags]", `
Measures routing: signs -agents agents of -queue in READY (LOGIN, then
READY), brings -calls customer calls into the queue (POST /acd/Calls)
from -parallel clients at once, and times each call from its POST to its
agent RESERVED: the POST's answer names the agent, or a GET /acd/Call/ID
every -poll does once another routing took the call. -rest may name
several nodes, comma-separated: sign-ins and calls go to them in turn.
It reports calls a second (first POST to last reservation), the
inject-to-RESERVED and POST latencies, and any agent reserved twice;
then it hangs the calls up and signs the agents out (unless -keep).

Example, two nodes sharing Redis and a config from gen-config:

  finesse gen-config -agents 2000 -supervisors 1 -teams 1 -o route.yaml
  finesse route -config route.yaml -calls 2000 -parallel 64 \
    -rest http://127.0.0.1:18081,http://127.0.0.1:18082`, stderr)
	fs.StringVar(&f.rest, "rest", defaultREST, "the server's REST base `URL`, or several nodes' URLs, comma-separated")
	fs.StringVar(&f.configFile, "config", "", "the server's config `file`, for the queue's agents and the devices (required)")
	fs.StringVar(&f.queue, "queue", "", "the queue calls go to (default: the config's first queue)")
	fs.IntVar(&f.agents, "agents", 0, "agents of the queue to sign in READY (0: all of them)")
	fs.IntVar(&f.calls, "calls", 0, "calls to bring in (0: one for each agent signed in)")
	fs.IntVar(&f.parallel, "parallel", 32, "clients bringing calls in (and signing agents in) at once")
	fs.StringVar(&f.admin, "admin", "admin", "the user who brings calls in through the simulator (/acd/)")
	fs.StringVar(&f.password, "password", "finesse", "password of every user")
	fs.DurationVar(&f.poll, "poll", 5*time.Millisecond, "how often to GET a call its POST did not see reserved")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "how long a call may wait for an agent before it counts as not routed")
	fs.BoolVar(&f.keep, "keep", false, "leave the calls and agents as they are at the end")
	bindInsecure(fs, &f.insecure)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return err
	}
	plan, err := f.plan()
	if err != nil {
		return err
	}
	ctx := context.Background()
	rt := &router{flags: f, plan: plan, client: httpClient(f.insecure, 10*time.Second)}
	rt.client.Transport.(*http.Transport).MaxIdleConnsPerHost = max(f.parallel, 2)
	began := time.Now()
	if err := rt.signIn(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d agents of queue %s READY in %v, through %d node(s)\n",
		len(plan.agents), plan.queue, time.Since(began).Round(time.Millisecond), len(plan.nodes))
	res := rt.route(ctx)
	res.write(stdout)
	if !f.keep {
		rt.tidy(ctx, res)
	}
	if res.failed > 0 || res.unrouted > 0 || len(res.twice) > 0 {
		return fmt.Errorf("%d calls refused, %d not routed within %v, %d agents reserved twice", res.failed, res.unrouted, f.timeout, len(res.twice))
	}
	return nil
}

// routePlan is who signs in where and how many calls go in.
type routePlan struct {
	nodes                        []string
	queue                        string
	agents, extensions           []string
	calls                        int
	notReadyReason, logoutReason string
}

func (f routeFlags) plan() (routePlan, error) {
	var p routePlan
	if f.configFile == "" {
		return p, errors.New("-config is required: the queue's agents and the devices come from it")
	}
	for _, n := range strings.Split(f.rest, ",") {
		if n = strings.TrimSuffix(strings.TrimSpace(n), "/"); n != "" {
			p.nodes = append(p.nodes, n)
		}
	}
	if len(p.nodes) == 0 {
		return p, errors.New("-rest names no node")
	}
	if f.parallel < 1 {
		return p, errors.New("-parallel must be at least 1")
	}
	file, err := config.Load(f.configFile)
	if err != nil {
		return p, err
	}
	devices, err := directory.ExpandDevices(file.Devices)
	if err != nil {
		return p, err
	}
	i := slices.IndexFunc(file.Queues, func(q directory.QueueConfig) bool { return f.queue == "" || q.ID == f.queue })
	if i < 0 {
		return p, fmt.Errorf("%s has no queue %q", f.configFile, f.queue)
	}
	q := file.Queues[i]
	p.queue, p.agents = q.ID, q.Agents
	if f.agents > 0 {
		if f.agents > len(p.agents) {
			return p, fmt.Errorf("queue %s has %d agents, fewer than -agents %d", q.ID, len(p.agents), f.agents)
		}
		p.agents = p.agents[:f.agents]
	}
	if len(p.agents) > len(devices) {
		return p, fmt.Errorf("%s: queue %s has more agents than there are devices", f.configFile, q.ID)
	}
	p.extensions = devices[:len(p.agents)]
	p.calls = f.calls
	if p.calls <= 0 {
		p.calls = len(p.agents)
	}
	for _, r := range slices.Backward(file.Reasons) {
		switch r.Category {
		case "NOT_READY":
			p.notReadyReason = r.ID
		case "LOGOUT":
			p.logoutReason = r.ID
		}
	}
	return p, nil
}

// router runs one measurement.
type router struct {
	flags  routeFlags
	plan   routePlan
	client *http.Client
}

// each runs do(i) for i in [0, n) from -parallel goroutines.
func (rt *router) each(n int, do func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(rt.flags.parallel, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				do(i)
			}
		})
	}
	wg.Wait()
}

func (rt *router) node(i int) string { return rt.plan.nodes[i%len(rt.plan.nodes)] }

// do makes one request as user and returns its status and body.
func (rt *router) do(ctx context.Context, method, url, user, body string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.SetBasicAuth(user, rt.flags.password)
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	resp, err := rt.client.Do(req)
	if err != nil {
		return 0, "", err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(data), err
}

// signIn puts every agent of the plan in READY, each through a node in
// turn, and fails at the first refusal.
func (rt *router) signIn(ctx context.Context) error {
	var mu sync.Mutex
	var first error
	rt.each(len(rt.plan.agents), func(i int) {
		agent, url := rt.plan.agents[i], rt.node(i)+"/finesse/api/User/"+rt.plan.agents[i]
		for _, body := range []string{
			"<User><state>LOGIN</state><extension>" + rt.plan.extensions[i] + "</extension></User>",
			"<User><state>READY</state></User>",
		} {
			status, resp, err := rt.do(ctx, http.MethodPut, url, agent, body)
			if err == nil && status != http.StatusAccepted {
				err = fmt.Errorf("PUT %s: %d %s", url, status, resp)
			}
			if err != nil {
				mu.Lock()
				first = cmpOr(first, err)
				mu.Unlock()
				return
			}
		}
	})
	return first
}

func firstMatch(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

func cmpOr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

var (
	routedAgent = regexp.MustCompile(`<agent>([^<]+)</agent>`)
	routedID    = regexp.MustCompile(`<id>([^<]+)</id>`)
)

// routeResult is what route measured.
type routeResult struct {
	calls, ownPOST, failed, unrouted int
	elapsed                          time.Duration // first POST sent to last reservation seen
	reserve, post                    []time.Duration
	twice                            []string // agents reserved for more than one call
	ids, nodes                       []string // each call brought in, and the node it went to
}

// route brings the calls in and waits for each to be offered.
func (rt *router) route(ctx context.Context) routeResult {
	n := rt.plan.calls
	type outcome struct {
		id, node, agent string
		post, reserve   time.Duration
		own, refused    bool
		at              time.Time
	}
	outs := make([]outcome, n)
	start := time.Now()
	rt.each(n, func(i int) {
		o := &outs[i]
		o.node = rt.node(i)
		body := fmt.Sprintf("<Call><queue>%s</queue><ani>9%07d</ani></Call>", rt.plan.queue, i%10_000_000)
		sent := time.Now()
		status, resp, err := rt.do(ctx, http.MethodPost, o.node+"/acd/Calls", rt.flags.admin, body)
		o.post = time.Since(sent)
		if err != nil || status != http.StatusCreated {
			o.refused = true
			return
		}
		o.id = firstMatch(routedID, resp)
		if o.agent = firstMatch(routedAgent, resp); o.agent != "" {
			o.own, o.reserve, o.at = true, o.post, time.Now()
			return
		}
		for deadline := sent.Add(rt.flags.timeout); time.Now().Before(deadline); {
			time.Sleep(rt.flags.poll)
			status, resp, err := rt.do(ctx, http.MethodGet, o.node+"/acd/Call/"+o.id, rt.flags.admin, "")
			if err == nil && status == http.StatusOK {
				if o.agent = firstMatch(routedAgent, resp); o.agent != "" {
					o.at = time.Now()
					o.reserve = o.at.Sub(sent)
					return
				}
			}
		}
	})
	res := routeResult{calls: n}
	reserved := map[string]int{}
	var last time.Time
	for _, o := range outs {
		res.post = append(res.post, o.post)
		switch {
		case o.refused:
			res.failed++
			continue
		case o.agent == "":
			res.unrouted++
		default:
			res.reserve = append(res.reserve, o.reserve)
			if reserved[o.agent]++; reserved[o.agent] == 2 {
				res.twice = append(res.twice, o.agent)
			}
			if o.own {
				res.ownPOST++
			}
			if o.at.After(last) {
				last = o.at
			}
		}
		res.ids = append(res.ids, o.id)
		res.nodes = append(res.nodes, o.node)
	}
	if !last.IsZero() {
		res.elapsed = last.Sub(start)
	}
	return res
}

func (r routeResult) write(w io.Writer) {
	routed := len(r.reserve)
	fmt.Fprintf(w, "%d calls: %d reserved an agent (%d seen in their own POST's answer, %d by a GET), %d refused, %d not routed, %d agents reserved twice\n",
		r.calls, routed, r.ownPOST, routed-r.ownPOST, r.failed, r.unrouted, len(r.twice))
	if routed > 0 && r.elapsed > 0 {
		fmt.Fprintf(w, "first POST to last reservation %v: %.0f calls/s\n", r.elapsed.Round(time.Millisecond), float64(routed)/r.elapsed.Seconds())
	}
	fmt.Fprintf(w, "POST /acd/Calls -> agent RESERVED\t%v\n", loadgen.LatencyOf(r.reserve))
	fmt.Fprintf(w, "POST /acd/Calls answered\t%v\n", loadgen.LatencyOf(r.post))
}

// tidy hangs the calls up and signs the agents out, ignoring refusals:
// it is tidying up, not measuring.
func (rt *router) tidy(ctx context.Context, res routeResult) {
	rt.each(len(res.ids), func(i int) {
		if res.ids[i] != "" {
			rt.do(ctx, http.MethodDelete, res.nodes[i]+"/acd/Call/"+res.ids[i], rt.flags.admin, "")
		}
	})
	reason := func(id string) string {
		if id == "" {
			return ""
		}
		return "<reasonCodeId>" + id + "</reasonCodeId>"
	}
	rt.each(len(rt.plan.agents), func(i int) {
		agent, url := rt.plan.agents[i], rt.node(i)+"/finesse/api/User/"+rt.plan.agents[i]
		rt.do(ctx, http.MethodPut, url, agent, "<User><state>NOT_READY</state>"+reason(rt.plan.notReadyReason)+"</User>")
		rt.do(ctx, http.MethodPut, url, agent, "<User><state>LOGOUT</state>"+reason(rt.plan.logoutReason)+"</User>")
	})
}
