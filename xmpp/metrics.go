package xmpp

import "github.com/prometheus/client_golang/prometheus"

// metrics are the notification service's Prometheus series.
type metrics struct {
	sessions   *prometheus.GaugeVec
	stanzasIn  *prometheus.CounterVec
	stanzasOut *prometheus.CounterVec
	delivered  prometheus.Counter
	dropped    prometheus.Counter
	slowClosed prometheus.Counter
	latency    prometheus.Histogram
	// The stages of latency: commit → the hub dispatching the event, once
	// an event; dispatch → written to the client, by transport.
	dispatch prometheus.Histogram
	write    *prometheus.HistogramVec
}

// stageBuckets resolve the sub-millisecond stages as well as the tail.
var stageBuckets = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5}

func newMetrics(reg prometheus.Registerer) *metrics {
	m := &metrics{
		sessions: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "finesse_sessions", Help: "Open notification sessions, by transport.",
		}, []string{"transport"}),
		stanzasIn: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finesse_xmpp_stanzas_in_total", Help: "Stanzas received from clients, by transport.",
		}, []string{"transport"}),
		stanzasOut: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "finesse_xmpp_stanzas_out_total", Help: "Stanzas written to clients, by transport.",
		}, []string{"transport"}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finesse_xmpp_notifications_delivered_total", Help: "Pubsub notifications written to a client.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finesse_xmpp_notifications_dropped_total", Help: "Queued stanzas discarded when a slow session was closed.",
		}),
		slowClosed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "finesse_xmpp_slow_sessions_closed_total", Help: "Sessions closed because they did not read fast enough.",
		}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "finesse_xmpp_fanout_latency_seconds",
			Help:    "From an event's commit to its notification written to a client, live deliveries only (not replays after a reconnect).",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5},
		}),
		dispatch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "finesse_xmpp_dispatch_latency_seconds",
			Help:    "From an event's commit to this node's hub dispatching it to its sessions, once an event.",
			Buckets: stageBuckets,
		}),
		write: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "finesse_xmpp_write_latency_seconds",
			Help:    "From the hub dispatching an event to its notification written to a client, by transport; live deliveries only.",
			Buckets: stageBuckets,
		}, []string{"transport"}),
	}
	// The transports' names (c2s, websocket and bosh give them), so that
	// every one is exported, at 0, before its first session.
	for _, t := range []string{"tcp", "websocket", "bosh"} {
		m.sessions.WithLabelValues(t)
		m.write.WithLabelValues(t)
	}
	if reg != nil {
		reg.MustRegister(m.sessions, m.stanzasIn, m.stanzasOut, m.delivered, m.dropped, m.slowClosed, m.latency, m.dispatch, m.write)
	}
	return m
}
