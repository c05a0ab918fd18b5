package loadgen

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"
)

// Result is what a run measured.
type Result struct {
	Sessions   map[string]int // by transport
	Accepted   int64          // state changes the server accepted (202)
	Failed     int64          // and those it did not, or that failed to send
	Elapsed    time.Duration  // from the first change to the last sent
	Delivering time.Duration  // from the first change to the last receipt, at least Elapsed

	Expected, Received, Duplicates, Unknown int64
	Lost                                    []Loss
	// PublishError is, in publisher mode, the server's answer to one
	// refused publish ("" when none was refused), and Unanswered the
	// publishes it had not answered when the run ended: neither accepted
	// nor failed, they owe no notifications.
	PublishError string
	Unanswered   int64
	// ConnectThenChange is that shape's tally (nil when it did not run);
	// Reconnects counts the sessions that came back, and ReconnectsFailed
	// those that could not sign in again.
	ConnectThenChange            *ConnectThenChange
	Reconnects, ReconnectsFailed int64
	Samples                      []Sample // with Config.Sample

	REST Latency // PUT User state: request to response
	// Requests is REST latency by kind when the run also played calls
	// (PUT User state, POST /acd/Calls, PUT Dialog ANSWER...), and
	// RequestsFailed what each kind had refused or fail.
	Requests       map[string]Latency
	RequestsFailed map[string]int
	Calls          CallsResult
	Notify         map[string]Latency // request sent to notification received, by transport
	Server         *ProcStats         // nil when no ServerPID was given or /proc had none
	// Stages are the server's own stage latencies over the run, read from
	// Config.Metrics before and after it; StagesNote says why there are
	// none when it could not be read.
	Stages     []Stage
	StagesNote string
	lostBy     map[string]int // by node
	config     Config
	perLoss    map[int]int // by session
}

// Latency is a distribution's p50, p99 and maximum.
type Latency struct {
	N             int
	P50, P99, Max time.Duration
}

func latencyOf(ds []time.Duration) Latency {
	if len(ds) == 0 {
		return Latency{}
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p int) time.Duration { return s[min(len(s)*p/100, len(s)-1)].Round(10 * time.Microsecond) }
	return Latency{N: len(s), P50: at(50), P99: at(99), Max: s[len(s)-1].Round(10 * time.Microsecond)}
}

func (l Latency) String() string {
	return fmt.Sprintf("p50 %v\tp99 %v\tmax %v", l.P50, l.P99, l.Max)
}

// DeliveredPerSecond is notifications received a second while the server
// delivered them.
func (r *Result) DeliveredPerSecond() float64 {
	return float64(r.Received) / r.Delivering.Seconds()
}

func (r *run) result(before, after *procSample) *Result {
	t := r.track
	t.mu.Lock()
	res := &Result{
		Sessions: map[string]int{}, Accepted: r.accepted.Load(), Failed: r.failed.Load(),
		Elapsed: r.end.Sub(r.start), Expected: t.expected.Load(), Received: t.received.Load(),
		Duplicates: t.duplicates.Load(), Unknown: t.unknown.Load(),
		REST: latencyOf(t.restTimes), Notify: map[string]Latency{}, config: r.cfg,
	}
	// Deliveries are counted to the last receipt, so a server that falls
	// behind and catches up in the drain is not credited with the drain's
	// deliveries at the driving rate.
	res.Delivering = max(t.last.Sub(r.start), res.Elapsed)
	for tr, ds := range t.latencies {
		res.Notify[tr] = latencyOf(ds)
	}
	t.mu.Unlock()
	for _, s := range r.cfg.Sessions {
		res.Sessions[s.Transport]++
	}
	res.Lost = append(t.losses(r.cfg.Agents), r.calls.losses()...)
	res.Lost = append(res.Lost, r.edgeLosses...)
	res.ConnectThenChange = r.edges
	res.Reconnects, res.ReconnectsFailed = r.reconnects.Load(), r.reconnectsFailed.Load()
	r.samplesMu.Lock()
	res.Samples = append([]Sample(nil), r.taken...)
	r.samplesMu.Unlock()
	res.Requests, res.RequestsFailed = r.kinds.results()
	res.Calls = r.calls.result()
	res.lostBy, res.perLoss = map[string]int{}, map[int]int{}
	for _, l := range res.Lost {
		res.lostBy[l.Node]++
		res.perLoss[l.Session]++
	}
	res.Server = procStats(before, after)
	if r.pub != nil {
		res.PublishError, _ = r.pub.lastErr.Load().(string)
		res.Unanswered = r.unanswered()
	}
	return res
}

// WriteTable prints the result as the table finesse load shows.
func (r *Result) WriteTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	var sessions []string
	for _, tr := range slices.Sorted(maps.Keys(r.Sessions)) {
		sessions = append(sessions, fmt.Sprintf("%d %s", r.Sessions[tr], tr))
	}
	if e := r.ConnectThenChange; e != nil {
		fmt.Fprintf(tw, "connect, then change\t%d of %d received, %d lost\n", e.Received, e.Tries, len(r.Lost))
		fmt.Fprintf(tw, "PUT -> notification\t%v\n", e.Notify)
		r.writeStages(tw)
		tw.Flush()
		for _, l := range r.Lost {
			fmt.Fprintf(w, "  requestId %s of %s, try %d: %s\n", l.RequestID, l.Agent, l.Session, l.Node)
		}
		return
	}
	fmt.Fprintf(tw, "sessions\t%v\n", sessions)
	if r.Reconnects+r.ReconnectsFailed > 0 {
		fmt.Fprintf(tw, "reconnects\t%d back under the same resource, %d failed to sign in again\n", r.Reconnects, r.ReconnectsFailed)
	}
	changes, request, toNotification := "state changes", "REST PUT User state", "PUT -> notification"
	if p := r.config.Publish; p != nil {
		changes, request, toNotification = "items published to "+p.Node, "publish -> iq result", "publish -> notification"
	}
	unanswered := ""
	if r.Unanswered > 0 {
		unanswered = fmt.Sprintf(", %d unanswered", r.Unanswered)
	}
	fmt.Fprintf(tw, "%s\t%d accepted, %d failed%s, %.0f/s\n", changes, r.Accepted, r.Failed, unanswered, float64(r.Accepted)/r.Elapsed.Seconds())
	fmt.Fprintf(tw, "notifications\t%d of %d expected, %d lost, %d duplicated, %d unknown, %.0f/s over %.1fs\n",
		r.Received, r.Expected, len(r.Lost), r.Duplicates, r.Unknown, r.DeliveredPerSecond(), r.Delivering.Seconds())
	fmt.Fprintf(tw, "%s\t%v\n", request, r.REST)
	if r.config.Calls.Rate > 0 {
		r.writeCalls(tw)
	}
	for _, tr := range slices.Sorted(maps.Keys(r.Notify)) {
		fmt.Fprintf(tw, "%s, %s\t%v\n", toNotification, tr, r.Notify[tr])
	}
	r.writeStages(tw)
	if r.PublishError != "" {
		fmt.Fprintf(tw, "a refused publish\t%s\n", r.PublishError)
	}
	if r.Server != nil {
		fmt.Fprintf(tw, "server\tRSS %d MB (peak %d MB), CPU %.0f%% of one core\n", r.Server.RSS>>20, r.Server.PeakRSS>>20, r.Server.CPU*100)
	}
	tw.Flush()
	for _, s := range r.Samples {
		fmt.Fprintf(w, "sample %s\n", s)
	}
	r.writeLosses(w)
}

// writeLosses names where notifications were lost: by node, then the
// sessions that lost the most, then the first few losses themselves.
func (r *Result) writeLosses(w io.Writer) {
	if len(r.Lost) == 0 {
		return
	}
	fmt.Fprintln(w, "lost, by node:")
	for _, node := range slices.Sorted(maps.Keys(r.lostBy)) {
		fmt.Fprintf(w, "  %s: %d\n", node, r.lostBy[node])
	}
	fmt.Fprintln(w, "lost, by session (most first):")
	ids := slices.SortedFunc(maps.Keys(r.perLoss), func(a, b int) int { return r.perLoss[b] - r.perLoss[a] })
	for _, s := range ids[:min(len(ids), 10)] {
		spec := r.config.Sessions[s]
		fmt.Fprintf(w, "  %s/load%d (%s): %d\n", spec.User, s, spec.Transport, r.perLoss[s])
	}
	for _, l := range r.Lost[:min(len(r.Lost), 10)] {
		fmt.Fprintf(w, "  requestId %s of %s, owed to session %d on %s\n", l.RequestID, l.Agent, l.Session, l.Node)
	}
}

// writeCalls adds the call side of a run: how many calls, REST latency of
// each kind of request, and call action to notification by transport.
func (r *Result) writeCalls(w io.Writer) {
	c := r.Calls
	fmt.Fprintf(w, "calls\t%d played out by this run's agents, %d abandoned in a queue\n", c.Offered, c.Abandoned)
	kinds := maps.Clone(r.RequestsFailed)
	for kind := range r.Requests {
		kinds[kind] += 0
	}
	for _, kind := range slices.Sorted(maps.Keys(kinds)) {
		if kind != kindState {
			fmt.Fprintf(w, "REST %s\t%v\t%d failed\n", kind, r.Requests[kind], r.RequestsFailed[kind])
		}
	}
	for _, tr := range slices.Sorted(maps.Keys(c.Notify)) {
		fmt.Fprintf(w, "PUT Dialog -> notification, %s\t%v\n", tr, c.Notify[tr])
	}
}

// LatencyOf is the p50, p99 and max of ds, as a run's report gives them.
func LatencyOf(ds []time.Duration) Latency { return latencyOf(ds) }
