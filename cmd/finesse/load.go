package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"
)

// loadConfig is what one load run does.
type loadConfig struct {
	rest, xmpp, domain  string
	bosh, transport     string
	sessions            int
	subscriber, team    string
	agents              []string
	password            string
	rate                float64
	duration, drainWait time.Duration
}

// runLoad drives a running server: subscriber sessions watch a team node
// over XMPP while the team's agents change state over REST, and it reports
// how many notifications arrived and how long they took.
func runLoad(args []string, stdout, stderr io.Writer) error {
	cfg, err := parseLoad(args, stderr)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	run := &loadRun{cfg: cfg, sent: map[string]time.Time{}}
	if err := run.setUp(ctx, stderr); err != nil {
		return err
	}
	defer run.tearDown()
	run.drive(ctx, stderr)
	run.report(stdout)
	if run.received.Load() < run.expected() {
		return fmt.Errorf("%d notifications lost", run.expected()-run.received.Load())
	}
	return nil
}

func parseLoad(args []string, stderr io.Writer) (loadConfig, error) {
	var c loadConfig
	var agents string
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.rest, "rest", "http://127.0.0.1:8082", "the server's REST base `URL`")
	fs.StringVar(&c.xmpp, "xmpp", "127.0.0.1:5222", "the server's XMPP TCP `address`")
	fs.StringVar(&c.bosh, "bosh", "http://127.0.0.1:7071/http-bind", "the server's BOSH `URL`")
	fs.StringVar(&c.transport, "transport", "tcp", "how sessions connect: tcp or bosh")
	fs.StringVar(&c.domain, "domain", "localhost", "the XMPP domain")
	fs.IntVar(&c.sessions, "sessions", 1, "subscriber sessions watching the team node")
	fs.StringVar(&c.subscriber, "subscriber", "2001", "the supervisor whose sessions subscribe (one session per resource)")
	fs.StringVar(&c.team, "team", "10", "the team whose Users node the sessions watch")
	fs.StringVar(&agents, "agents", "1001,1002,1003,1004,1005", "agents of the team that change state, comma-separated")
	fs.StringVar(&c.password, "password", "finesse", "password of every user")
	fs.Float64Var(&c.rate, "rate", 100, "state changes per second, in total")
	fs.DurationVar(&c.duration, "d", 10*time.Second, "how long to change states")
	fs.DurationVar(&c.drainWait, "drain", 10*time.Second, "how long to wait for the last notifications")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return c, err
		}
		return c, err
	}
	c.agents = strings.Split(agents, ",")
	if c.sessions < 1 || c.rate <= 0 || c.duration <= 0 || len(c.agents) == 0 {
		return c, errors.New("need -sessions >= 1, -rate > 0, -d > 0 and at least one agent")
	}
	if c.transport != "tcp" && c.transport != "bosh" {
		return c, fmt.Errorf("-transport %q: want tcp or bosh", c.transport)
	}
	return c, nil
}

// loadSession is one subscriber session, on whichever transport.
type loadSession interface {
	subscribe(domain, node string) error
	receive(found func(requestID string)) error
	close()
}

// loadRun is the state of one run.
type loadRun struct {
	cfg      loadConfig
	sessions []loadSession
	readers  sync.WaitGroup
	client   http.Client
	bosh     *http.Client // long polls: no timeout shorter than BOSH's wait

	mu        sync.Mutex
	sent      map[string]time.Time // requestId -> when its PUT was sent
	latencies []time.Duration
	restTimes []time.Duration

	accepted, failed, received, unknown atomic.Int64
	start, end                          time.Time
	lastReceipt                         time.Time
}

func (r *loadRun) expected() int64 { return r.accepted.Load() * int64(len(r.sessions)) }

// setUp signs the agents in and opens the subscriber sessions.
func (r *loadRun) setUp(ctx context.Context, stderr io.Writer) error {
	r.client = http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	r.bosh = &http.Client{Timeout: 90 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 2 * r.cfg.sessions}}
	for i, a := range r.cfg.agents {
		ext := strconv.Itoa(3001 + i)
		r.put(ctx, a, "<User><state>LOGIN</state><extension>"+ext+"</extension></User>", "")
	}
	node := "/finesse/api/Team/" + r.cfg.team + "/Users"
	for i := range r.cfg.sessions {
		s, err := r.dial(ctx, "load"+strconv.Itoa(i))
		if err == nil {
			err = s.subscribe(r.cfg.domain, node)
		}
		if err != nil {
			return err
		}
		r.sessions = append(r.sessions, s)
		r.readers.Add(1)
		go func() {
			defer r.readers.Done()
			s.receive(r.delivered)
		}()
		if (i+1)%500 == 0 {
			fmt.Fprintf(stderr, "%d sessions subscribed\n", i+1)
		}
	}
	return nil
}

// dial opens one subscriber session on the configured transport.
func (r *loadRun) dial(ctx context.Context, resource string) (loadSession, error) {
	if r.cfg.transport == "bosh" {
		return dialBOSH(ctx, r.bosh, r.cfg.bosh, r.cfg.domain, r.cfg.subscriber, r.cfg.password, resource)
	}
	return dialRaw(ctx, r.cfg.xmpp, r.cfg.domain, r.cfg.subscriber, r.cfg.password, resource)
}

func (r *loadRun) tearDown() {
	for _, s := range r.sessions {
		s.close()
	}
	r.readers.Wait()
}

// delivered records one notification's latency.
func (r *loadRun) delivered(requestID string) {
	now := time.Now()
	r.mu.Lock()
	sent, ok := r.sent[requestID]
	if ok {
		r.latencies = append(r.latencies, now.Sub(sent))
		r.lastReceipt = now
	}
	r.mu.Unlock()
	if ok {
		r.received.Add(1)
	} else {
		r.unknown.Add(1)
	}
}

// drive changes states at the configured rate for the configured time,
// then waits for the notifications to arrive.
func (r *loadRun) drive(ctx context.Context, stderr io.Writer) {
	interval := time.Duration(float64(time.Second) / r.cfg.rate)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	var puts sync.WaitGroup
	sem := make(chan struct{}, 128)
	r.start = time.Now()
	deadline := r.start.Add(r.cfg.duration)
	progress := time.NewTicker(time.Second)
	defer progress.Stop()
	for seq := 0; time.Now().Before(deadline) && ctx.Err() == nil; seq++ {
		select {
		case <-tick.C:
		case <-progress.C:
			fmt.Fprintf(stderr, "changes %d, notifications %d of %d\n", r.accepted.Load(), r.received.Load(), r.expected())
			continue
		case <-ctx.Done():
		}
		agent := r.cfg.agents[seq%len(r.cfg.agents)]
		body := "<User><state>READY</state></User>"
		if (seq/len(r.cfg.agents))%2 == 1 {
			body = "<User><state>NOT_READY</state><reasonCodeId>1</reasonCodeId></User>"
		}
		sem <- struct{}{}
		puts.Add(1)
		go func(id string) {
			defer func() { <-sem; puts.Done() }()
			r.put(ctx, agent, body, id)
		}("load-" + strconv.Itoa(seq))
	}
	puts.Wait()
	r.end = time.Now()
	for wait := time.Now().Add(r.cfg.drainWait); time.Now().Before(wait) && r.received.Load() < r.expected(); {
		time.Sleep(10 * time.Millisecond)
	}
}

// put sends one state change; requestID "" marks a set-up request that is
// not counted.
func (r *loadRun) put(ctx context.Context, agent, body, requestID string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, r.cfg.rest+"/finesse/api/User/"+agent, strings.NewReader(body))
	if err != nil {
		return
	}
	req.SetBasicAuth(agent, r.cfg.password)
	req.Header.Set("Content-Type", "application/xml")
	if requestID != "" {
		req.Header.Set("requestId", requestID)
		r.mu.Lock()
		r.sent[requestID] = time.Now()
		r.mu.Unlock()
	}
	began := time.Now()
	resp, err := r.client.Do(req)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if requestID == "" {
		return
	}
	if err != nil || resp.StatusCode != http.StatusAccepted {
		r.failed.Add(1)
		return
	}
	r.accepted.Add(1)
	r.mu.Lock()
	r.restTimes = append(r.restTimes, time.Since(began))
	r.mu.Unlock()
}

// report prints the run's table.
func (r *loadRun) report(w io.Writer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	secs := r.end.Sub(r.start).Seconds()
	// Deliveries are counted from the first PUT to the last receipt, so a
	// server that falls behind and catches up during the drain is not
	// credited with the drain's deliveries at the driving rate.
	deliverySecs := max(r.lastReceipt.Sub(r.start).Seconds(), secs)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "sessions\t%d (%s)\n", len(r.sessions), r.cfg.transport)
	fmt.Fprintf(tw, "state changes\t%d accepted, %d failed, %.0f/s\n", r.accepted.Load(), r.failed.Load(), float64(r.accepted.Load())/secs)
	fmt.Fprintf(tw, "notifications\t%d of %d expected, %d lost, %.0f/s over %.1fs\n", r.received.Load(), r.expected(), r.expected()-r.received.Load(), float64(r.received.Load())/deliverySecs, deliverySecs)
	fmt.Fprintf(tw, "REST PUT\tp50 %v\tp99 %v\tmax %v\n", pct(r.restTimes, 50), pct(r.restTimes, 99), pct(r.restTimes, 100))
	fmt.Fprintf(tw, "PUT sent -> notification\tp50 %v\tp99 %v\tmax %v\n", pct(r.latencies, 50), pct(r.latencies, 99), pct(r.latencies, 100))
	tw.Flush()
}

// pct is the p-th percentile of ds (sorted in place), rounded for reading.
func pct(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := min(len(ds)*p/100, len(ds)-1)
	return ds[i].Round(10 * time.Microsecond)
}
