package loadgen

import (
	"context"
	"fmt"
	"io"
	"maps"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// CallLoad is the call side of a run: customer calls brought into the
// queues through the simulator, each answered, held, retrieved and hung
// up by the agent it was offered to, over REST.
type CallLoad struct {
	Rate   float64       // calls a second, over all queues (0: none)
	Queues []string      // the queues calls go to, in turn
	Step   time.Duration // how long between one action and the next
	Admin  string        // who may use the simulator (/acd/)
}

// callActions are what an agent does with a call, in order.
var callActions = []string{"ANSWER", "HOLD", "RETRIEVE", "DROP"}

// The kinds of request a run makes, for the REST latency table.
const (
	kindState    = "PUT User state"
	kindInject   = "POST /acd/Calls"
	kindAbandon  = "DELETE /acd/Call"
	kindDialogFn = "PUT Dialog "
)

// restKinds measures REST latency by kind of request.
type restKinds struct {
	mu     sync.Mutex
	took   map[string][]time.Duration
	failed map[string]int
}

func (k *restKinds) observe(kind string, took time.Duration, err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.took == nil {
		k.took, k.failed = map[string][]time.Duration{}, map[string]int{}
	}
	if err != nil {
		k.failed[kind]++
		return
	}
	k.took[kind] = append(k.took[kind], took)
}

// driveCalls brings calls in at the configured rate until the deadline,
// each played out by its own goroutine, and waits for them all.
func (r *run) driveCalls(ctx context.Context, deadline time.Time) {
	cl := r.cfg.Calls
	if cl.Rate <= 0 || len(cl.Queues) == 0 {
		return
	}
	tick := time.NewTicker(max(time.Duration(float64(time.Second)/cl.Rate), time.Millisecond))
	defer tick.Stop()
	var calls sync.WaitGroup
	defer calls.Wait()
	start := time.Now()
	for n := 0; ctx.Err() == nil; {
		var now time.Time
		select {
		case now = <-tick.C:
		case <-ctx.Done():
			return
		}
		if !now.Before(deadline) {
			return
		}
		for due := int(now.Sub(start).Seconds()*cl.Rate) + 1; n < due; n++ {
			call := n
			calls.Go(func() { r.playCall(ctx, call) })
		}
	}
}

var (
	callAgent  = regexp.MustCompile(`<agent>([^<]+)</agent>`)
	callDialog = regexp.MustCompile(`<dialogId>([^<]+)</dialogId>`)
	callID     = regexp.MustCompile(`<id>([^<]+)</id>`)
)

// playCall brings call n in and, when an agent of this run is offered
// it, plays its actions; a call no agent could take is abandoned after a
// step, as a caller in a queue hangs up.
func (r *run) playCall(ctx context.Context, n int) {
	cl := r.cfg.Calls
	queue := cl.Queues[n%len(cl.Queues)]
	body := fmt.Sprintf("<Call><queue>%s</queue><ani>9%07d</ani></Call>", queue, n%10_000_000)
	status, resp, took, err := r.request(ctx, http.MethodPost, "/acd/Calls", cl.Admin, body, "")
	if err == nil && status != http.StatusCreated {
		err = fmt.Errorf("%d", status)
	}
	r.kinds.observe(kindInject, took, err)
	if err != nil {
		return
	}
	agent, dialog := firstMatch(callAgent, resp), firstMatch(callDialog, resp)
	ext, ours := r.extensionOf(agent)
	if !ours || dialog == "" {
		sleep(ctx, cl.Step)
		_, _, took, err := r.request(ctx, http.MethodDelete, "/acd/Call/"+firstMatch(callID, resp), cl.Admin, "", "")
		r.kinds.observe(kindAbandon, took, err)
		r.calls.abandoned.Add(1)
		return
	}
	r.calls.offered.Add(1)
	for i, action := range callActions {
		sleep(ctx, cl.Step)
		id := fmt.Sprintf("call-%d-%d", n, i)
		body := "<Dialog><requestedAction>" + action + "</requestedAction><targetMediaAddress>" + ext + "</targetMediaAddress></Dialog>"
		r.calls.sent(id, agent, time.Now())
		status, _, took, err := r.request(ctx, http.MethodPut, "/finesse/api/Dialog/"+dialog, agent, body, id)
		if err == nil && status != http.StatusAccepted {
			err = fmt.Errorf("%d", status)
		}
		r.kinds.observe(kindDialogFn+action, took, err)
		if err != nil {
			return
		}
		r.calls.accepted(id)
	}
}

func (r *run) extensionOf(agent string) (string, bool) {
	for _, a := range r.cfg.Agents {
		if a.ID == agent {
			return a.Extension, true
		}
	}
	return "", false
}

// request makes one REST request as user and returns its status and body.
func (r *run) request(ctx context.Context, method, path, user, body, requestID string) (int, string, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, method, r.cfg.REST+path, strings.NewReader(body))
	if err != nil {
		return 0, "", 0, err
	}
	req.SetBasicAuth(user, r.cfg.Password)
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	if requestID != "" {
		req.Header.Set("requestId", requestID)
	}
	began := time.Now()
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, "", 0, err
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp.StatusCode, string(data), time.Since(began), err
}

func firstMatch(re *regexp.Regexp, s string) string {
	if m := re.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-time.After(d):
	case <-ctx.Done():
	}
}

// callTracker files call actions and their notifications: each accepted
// action owes at least one notification carrying its requestId to each
// session of the agent (a Dialog and a User Update, usually).
type callTracker struct {
	users    []string       // of each session
	sessions map[string]int // sessions of each agent

	mu        sync.Mutex
	actions   map[string]*callAction // by requestId
	latencies map[string][]time.Duration

	// owed counts the notifications accepted actions owe (one a session
	// of the agent), got the first receipts of each; the run drains until
	// got catches up.
	owed, got          atomic.Int64
	offered, abandoned atomic.Int64
}

type callAction struct {
	agent    string
	sentAt   time.Time
	accepted bool
	got      map[int]bool // sessions that received it
}

func newCallTracker(sessions []SessionSpec) *callTracker {
	t := &callTracker{sessions: map[string]int{}, actions: map[string]*callAction{}, latencies: map[string][]time.Duration{}}
	for _, s := range sessions {
		t.users = append(t.users, s.User)
		t.sessions[s.User]++
	}
	return t
}

func (t *callTracker) sent(id, agent string, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.actions[id] = &callAction{agent: agent, sentAt: at, got: map[int]bool{}}
}

func (t *callTracker) accepted(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.actions[id]
	a.accepted = true
	t.owed.Add(int64(t.sessions[a.agent]))
	for s := range a.got { // receipts that beat the response
		if t.users[s] == a.agent {
			t.got.Add(1)
		}
	}
}

// outstanding is how many notifications accepted actions still owe.
func (t *callTracker) outstanding() int64 { return t.owed.Load() - t.got.Load() }

// receipt files a notification carrying a call action's requestId; it
// reports false for a requestId of no action of this run.
func (t *callTracker) receipt(session int, transport, id string, at time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	a, ok := t.actions[id]
	if !ok {
		return false
	}
	if !a.got[session] {
		a.got[session] = true
		t.latencies[transport] = append(t.latencies[transport], at.Sub(a.sentAt))
		if a.accepted && t.users[session] == a.agent {
			t.got.Add(1)
		}
	}
	return true
}

// losses lists the accepted actions that never reached a session of
// their agent.
func (t *callTracker) losses() []Loss {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Loss
	for id, a := range t.actions {
		if !a.accepted {
			continue
		}
		for s, user := range t.users {
			if user == a.agent && !a.got[s] {
				out = append(out, Loss{RequestID: id, Agent: a.agent, Session: s, Node: UserNode(a.agent) + "/Dialogs"})
			}
		}
	}
	return out
}

// isCallRequestID reports whether id is a call action's requestId.
func isCallRequestID(id string) bool { return strings.HasPrefix(id, "call-") }

// CallsResult is what the call side of a run measured.
type CallsResult struct {
	Offered   int64              // calls offered to an agent of this run and played out
	Abandoned int64              // calls no agent of this run was offered, hung up in the queue
	Notify    map[string]Latency // call action sent to its first notification, by transport
}

func (t *callTracker) result() CallsResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	res := CallsResult{Offered: t.offered.Load(), Abandoned: t.abandoned.Load(), Notify: map[string]Latency{}}
	for tr, ds := range t.latencies {
		res.Notify[tr] = latencyOf(ds)
	}
	return res
}

// results is REST latency by kind of request, and failures by kind.
func (k *restKinds) results() (map[string]Latency, map[string]int) {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[string]Latency{}
	for kind, ds := range k.took {
		out[kind] = latencyOf(ds)
	}
	return out, maps.Clone(k.failed)
}
