package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/memstore"
	"github.com/finessed/finessed/model"
	"github.com/finessed/finessed/xmpp"
)

// scrapeTimeout bounds the reads of the shared state one scrape makes.
const scrapeTimeout = 2 * time.Second

// reportedStates are the agent states finesse_agents counts, a fixed set:
// a state outside it counts as UNKNOWN. LOGIN is only ever requested.
var reportedStates = []model.AgentState{
	model.StateLogout, model.StateNotReady, model.StateReady, model.StateReserved,
	model.StateReservedOutbound, model.StateReservedOutboundPreview, model.StateTalking,
	model.StateHold, model.StateWork, model.StateWorkReady, model.StateUnknown,
}

// stateGauges computes, at scrape time only, the gauges an operator
// watches: whether the node is in service and holds the lease, agents by
// state, calls waiting by queue, and how far the notification service is
// behind the event log. Nothing is counted on a request's or a
// notification's path. Agents and queues are the shared state's: with
// -redis every node reports the same numbers.
type stateGauges struct {
	engine *acd.Engine
	store  acd.Store // its Agents and Calls listings
	notify *xmpp.Service
	node   string

	inService, leaseHolder, agents, queueCalls, logLag *prometheus.Desc
}

func newStateGauges(engine *acd.Engine, store acd.Store, notify *xmpp.Service, node string) *stateGauges {
	return &stateGauges{
		engine: engine, store: store, notify: notify, node: node,
		inService: prometheus.NewDesc("finesse_in_service",
			"1 while the node is IN_SERVICE, 0 while OUT_OF_SERVICE (its shared state does not answer).", nil, nil),
		leaseHolder: prometheus.NewDesc("finesse_lease_holder",
			"1 while this node holds the lease and runs the sweeps, timers and queue statistics (a node alone always does).", nil, nil),
		agents: prometheus.NewDesc("finesse_agents",
			"Agents of the directory by state (LOGOUT: not signed in); the shared state's, the same on every node.", []string{"state"}, nil),
		queueCalls: prometheus.NewDesc("finesse_queue_calls",
			"Customer calls waiting in each configured queue; the shared state's, the same on every node.", []string{"queue", "name"}, nil),
		logLag: prometheus.NewDesc("finesse_event_log_lag",
			"Events committed to the event log that this node's notification service has not yet dispatched to its sessions (stage dispatched), or not yet written to every one of its desktops (stage delivered).",
			[]string{"node", "stage"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (g *stateGauges) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{g.inService, g.leaseHolder, g.agents, g.queueCalls, g.logLag} {
		ch <- d
	}
}

// Collect implements prometheus.Collector. While the node is out of
// service it reports only that and the lease: reading the shared state
// would wait out every timeout and show nothing new.
func (g *stateGauges) Collect(ch chan<- prometheus.Metric) {
	up := g.engine.InService()
	ch <- prometheus.MustNewConstMetric(g.inService, prometheus.GaugeValue, one(up))
	ch <- prometheus.MustNewConstMetric(g.leaseHolder, prometheus.GaugeValue, one(g.engine.Leading()))
	if !up {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	if err := g.collectAgents(ctx, ch); err != nil {
		slog.Debug("metrics: read the agents", "err", err)
	}
	if err := g.collectQueues(ctx, ch); err != nil {
		slog.Debug("metrics: read the calls", "err", err)
	}
	if last, err := g.engine.Log().Last(ctx); err == nil {
		dispatched, delivered := g.notify.Position()
		ch <- prometheus.MustNewConstMetric(g.logLag, prometheus.GaugeValue, lag(last, dispatched), g.node, "dispatched")
		ch <- prometheus.MustNewConstMetric(g.logLag, prometheus.GaugeValue, lag(last, delivered), g.node, "delivered")
	}
}

// collectAgents counts every agent of the directory in its state, those
// the store has never seen as LOGOUT.
func (g *stateGauges) collectAgents(ctx context.Context, ch chan<- prometheus.Metric) error {
	stored, err := g.store.Agents(ctx)
	if err != nil {
		return err
	}
	state := map[string]model.AgentState{}
	for _, a := range stored {
		state[a.ID] = a.State
	}
	counts := map[model.AgentState]int{}
	for _, u := range g.engine.Directory().Users() {
		if !u.IsAgent() {
			continue
		}
		s, ok := state[u.ID]
		switch {
		case !ok || s == "":
			s = model.StateLogout
		case !s.Known() || s == model.StateLogin:
			s = model.StateUnknown
		}
		counts[s]++
	}
	for _, s := range reportedStates {
		ch <- prometheus.MustNewConstMetric(g.agents, prometheus.GaugeValue, float64(counts[s]), string(s))
	}
	return nil
}

// collectQueues counts the calls waiting in each configured queue.
func (g *stateGauges) collectQueues(ctx context.Context, ch chan<- prometheus.Metric) error {
	waiting, err := g.engine.WaitingCalls(ctx)
	if err != nil {
		return err
	}
	for _, q := range g.engine.Directory().Queues() {
		ch <- prometheus.MustNewConstMetric(g.queueCalls, prometheus.GaugeValue, float64(waiting[q.ID]), q.ID, q.Name)
	}
	return nil
}

func one(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// lag is how many events after at the log's last one is, 0 when at is
// not behind.
func lag(last, at acd.EventID) float64 {
	if at >= last {
		return 0
	}
	return float64(last - at)
}

// timedRoster times each announcement of the heartbeat, one Redis round
// trip (HSET) four times a second, as the node's Redis latency: measured
// on traffic the node makes anyway, never on a request's path. Failed
// announcements are not observed; finesse_in_service shows the outage.
type timedRoster struct {
	acd.Roster
	rtt prometheus.Histogram
}

func newTimedRoster(r acd.Roster, reg prometheus.Registerer) timedRoster {
	rtt := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "finesse_redis_roundtrip_seconds",
		Help:    "Round trips to Redis of the node's heartbeat (one HSET every 250 ms) that got an answer.",
		Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5},
	})
	reg.MustRegister(rtt)
	return timedRoster{Roster: r, rtt: rtt}
}

// Announce implements acd.Roster.
func (r timedRoster) Announce(ctx context.Context, m acd.Member) error {
	start := time.Now()
	err := r.Roster.Announce(ctx, m)
	if err == nil {
		r.rtt.Observe(time.Since(start).Seconds())
	}
	return err
}

// commitHistogram records how long the engine's transactions take, from
// their start to the store's answer: the commit stage of a request, between
// the REST handler's own latency and the notification service's dispatch
// and write stages.
func commitHistogram(reg prometheus.Registerer) func(time.Duration) {
	h := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "finesse_commit_duration_seconds",
		Help:    "How long an engine transaction takes to commit, its work included.",
		Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1},
	})
	reg.MustRegister(h)
	return func(d time.Duration) { h.Observe(d.Seconds()) }
}

// registerLogSize exports what the in-memory event log holds, so that an
// operator sees it reach its -event-log-mb bound and stay there.
func registerLogSize(reg prometheus.Registerer, l *memstore.Log) {
	reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "finesse_event_log_events", Help: "Events the in-memory event log holds for replays.",
		}, func() float64 { n, _ := l.Size(); return float64(n) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "finesse_event_log_bytes", Help: "The estimated memory of the events the in-memory event log holds (bounded by -event-log-mb).",
		}, func() float64 { _, b := l.Size(); return float64(b) }),
	)
}
