package conformance

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Target is the server a scenario runs against.
type Target struct {
	// REST is the base URL of the REST API and the simulator
	// (http://127.0.0.1:8082).
	REST string
	// Dial opens a desktop's XMPP session as user.
	Dial func(ctx context.Context, user, password string) (Session, error)
	// Password is every user's password unless Passwords names one.
	Password  string
	Passwords map[string]string
	// Admin signs the simulator's requests (/acd/...).
	Admin string
	// HTTP is the client for REST (default http.DefaultClient).
	HTTP *http.Client
	// Settle is how long the runner waits after the last step for
	// notifications nobody expected (default 200 ms).
	Settle time.Duration
}

// ErrNoTestClock is why a scenario that advances the clock is skipped on a
// server without one (finessed without -test-clock, or a real Finesse).
var ErrNoTestClock = errors.New("the server has no test clock (finessed -test-clock)")

// defaultWithin is how long an expectation waits when it does not say.
const defaultWithin = 3 * time.Second

// Result is how one scenario went.
type Result struct {
	Scenario string
	File     string
	Steps    []StepResult
	// Skipped says why the scenario stopped early without failing, and
	// SkippedAt at which step (0: before the first).
	Skipped   string
	SkippedAt int
	Elapsed   time.Duration
}

// Failed reports whether any step failed.
func (r Result) Failed() bool {
	for _, s := range r.Steps {
		if s.Err != nil {
			return true
		}
	}
	return false
}

// StepResult is how one step went: Err is nil when it passed, and
// Differences list where a received document departed from the pattern.
type StepResult struct {
	Step        int // 1-based; 0 for the scenario's set-up and final checks
	Title       string
	Err         error
	Differences []Difference
	Received    string
}

// run is one scenario's execution state.
type run struct {
	t         Target
	sc        *Scenario
	vars      Vars
	listeners map[string]*listener
}

// Run runs sc against t, every step in order, and stops at the first
// failure (later steps depend on earlier ones).
func (t Target) Run(ctx context.Context, sc *Scenario) Result {
	start := time.Now()
	res := Result{Scenario: sc.Name, File: sc.file}
	r := &run{t: t.withDefaults(), sc: sc, vars: Vars{}, listeners: map[string]*listener{}}
	defer r.close()
	if sc.movesClock() {
		// Skipped before its first step, not at its first advance: a
		// scenario stopped halfway would leave calls ringing and agents
		// reserved for the next one.
		if sr := r.advance(ctx, 0); sr.Err != nil {
			if errors.Is(sr.Err, ErrNoTestClock) {
				res.Skipped = sr.Err.Error()
			} else {
				res.Steps = append(res.Steps, sr)
			}
			res.Elapsed = time.Since(start)
			return res
		}
	}
	if err := r.openDesktops(ctx); err != nil {
		res.Steps = append(res.Steps, StepResult{Title: "open the desktops", Err: err})
		return res
	}
	for i, st := range sc.Steps {
		sr := r.step(ctx, st)
		sr.Step = i + 1
		if errors.Is(sr.Err, ErrNoTestClock) {
			res.Skipped, res.SkippedAt = sr.Err.Error(), i+1
			res.Elapsed = time.Since(start)
			return res
		}
		res.Steps = append(res.Steps, sr)
		if sr.Err != nil {
			res.Elapsed = time.Since(start)
			return res
		}
	}
	res.Steps = append(res.Steps, r.nothingElse())
	res.Elapsed = time.Since(start)
	return res
}

func (t Target) withDefaults() Target {
	if t.HTTP == nil {
		t.HTTP = http.DefaultClient
	}
	if t.Settle == 0 {
		t.Settle = 200 * time.Millisecond
	}
	if t.Admin == "" {
		t.Admin = "admin"
	}
	return t
}

func (t Target) password(user string) string {
	if p, ok := t.Passwords[user]; ok {
		return p
	}
	return t.Password
}

// openDesktops connects every desktop, in name order, and subscribes it.
func (r *run) openDesktops(ctx context.Context) error {
	names := make([]string, 0, len(r.sc.Desktops))
	for name := range r.sc.Desktops {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		d := r.sc.Desktops[name]
		s, err := r.t.Dial(ctx, d.User, r.t.password(d.User))
		if err != nil {
			return fmt.Errorf("desktop %s (%s): %w", name, d.User, err)
		}
		if err := s.Available(ctx); err != nil {
			s.Close()
			return fmt.Errorf("desktop %s: available: %w", name, err)
		}
		for _, node := range d.Subscribe {
			if err := Subscribe(ctx, s, node); err != nil {
				s.Close()
				return fmt.Errorf("desktop %s: subscribe %s: %w", name, node, err)
			}
		}
		r.listeners[name] = listen(name, d, s)
	}
	r.forgetArrivals()
	return nil
}

// forgetArrivals waits a moment and drops what the desktops received
// before the first step. Finesse sends nothing when a desktop connects,
// but finessed replays what a user missed since its last desktop left,
// within the grace period: on a server that ran an earlier scenario, that
// is the earlier scenario's events.
func (r *run) forgetArrivals() {
	if len(r.listeners) == 0 {
		return
	}
	time.Sleep(r.t.Settle / 2)
	for _, l := range r.listeners {
		l.forget()
	}
}

// close ends the desktops' sessions. Their subscriptions would outlive
// them (a user's next session, in a later scenario, would receive
// notifications it did not ask for), so they are ended first.
func (r *run) close() {
	for _, l := range r.listeners {
		ctx, cancel := context.WithTimeout(context.Background(), defaultWithin)
		for _, node := range l.desktop.Subscribe {
			l.session.Unsubscribe(ctx, node)
		}
		cancel()
		l.stop()
	}
}

func (r *run) step(ctx context.Context, st Step) StepResult {
	switch {
	case st.REST != "":
		return r.request(ctx, st, st.REST, st.As)
	case st.ACD != "":
		return r.request(ctx, st, st.ACD, r.t.Admin)
	case st.Expect != "":
		return r.expect(st)
	case st.Advance != 0:
		return r.advance(ctx, time.Duration(st.Advance))
	default:
		time.Sleep(time.Duration(st.Wait))
		return StepResult{Title: "wait " + time.Duration(st.Wait).String()}
	}
}

// request makes one HTTP request and checks its status and body.
func (r *run) request(ctx context.Context, st Step, line, user string) StepResult {
	sr := StepResult{Title: line + " as " + user}
	method, path, _ := strings.Cut(line, " ")
	path, err := r.vars.expand(path)
	if err == nil {
		sr.Title = method + " " + path + " as " + user
	}
	body, err2 := r.vars.expand(st.Body)
	if err = errors.Join(err, err2); err != nil {
		sr.Err = err
		return sr
	}
	status, got, err := r.do(ctx, method, path, user, body, st.Headers)
	if err != nil {
		sr.Err = err
		return sr
	}
	sr.Received = got
	if (st.Status == 0 && (status < 200 || status > 299)) || (st.Status != 0 && status != st.Status) {
		want := "2xx"
		if st.Status != 0 {
			want = fmt.Sprint(st.Status)
		}
		sr.Err = fmt.Errorf("status %d, want %s", status, want)
		if why := apiErrors([]byte(got)); why != "" {
			sr.Err = fmt.Errorf("%w: %s", sr.Err, why)
		}
		return sr
	}
	if strings.TrimSpace(st.Response) == "" {
		return sr
	}
	if sr.Differences = matchXML(st.Response, got, st.Partial, r.vars); len(sr.Differences) > 0 {
		sr.Err = fmt.Errorf("the response differs from the pattern in %d places", len(sr.Differences))
	}
	return sr
}

func (r *run) do(ctx context.Context, method, path, user, body string, headers map[string]string) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimSuffix(r.t.REST, "/")+path, strings.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	req.SetBasicAuth(user, r.t.password(user))
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	for k, v := range headers {
		if v, err = r.vars.expand(v); err != nil {
			return 0, "", err
		}
		req.Header.Set(k, v)
	}
	resp, err := r.t.HTTP.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data), err
}

// expect takes the desktop's next notification on the node and matches it.
func (r *run) expect(st Step) StepResult {
	sr := StepResult{Title: fmt.Sprintf("%s receives on %s", st.Expect, st.Node)}
	node, err := r.vars.expand(st.Node)
	if err != nil {
		sr.Err = err
		return sr
	}
	within := time.Duration(st.Within)
	if within == 0 {
		within = defaultWithin
	}
	n, err := r.listeners[st.Expect].next(node, within)
	if err != nil {
		sr.Err = err
		return sr
	}
	sr.Received = n.Text
	if sr.Differences = matchXML(st.Update, n.Text, st.Partial, r.vars); len(sr.Differences) > 0 {
		sr.Err = fmt.Errorf("the notification differs from the pattern in %d places", len(sr.Differences))
	}
	return sr
}

// advance moves the server's test clock on.
func (r *run) advance(ctx context.Context, d time.Duration) StepResult {
	sr := StepResult{Title: "advance the clock " + d.String()}
	status, body, err := r.do(ctx, http.MethodPost, "/acd/Clock", r.t.Admin, "<Clock><advance>"+d.String()+"</advance></Clock>", nil)
	switch {
	case err != nil:
		sr.Err = err
	case status == http.StatusNotFound:
		sr.Err = ErrNoTestClock
	case status != http.StatusOK:
		sr.Err, sr.Received = &HTTPError{Method: http.MethodPost, Path: "/acd/Clock", StatusCode: status, Body: []byte(body)}, body
	}
	return sr
}

// nothingElse waits a moment, then fails on any notification no step
// expected.
func (r *run) nothingElse() StepResult {
	sr := StepResult{Title: "no notification left unexpected"}
	time.Sleep(r.t.Settle)
	var extra []string
	for name, l := range r.listeners {
		for _, n := range l.unexpected() {
			extra = append(extra, fmt.Sprintf("desktop %s, node %s:\n%s", name, n.Node, n.Text))
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		sr.Err = fmt.Errorf("%d notifications no step expected", len(extra))
		sr.Received = strings.Join(extra, "\n")
	}
	return sr
}
