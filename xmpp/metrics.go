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
}

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
			Help:    "From an event's commit to its notification written to a client.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5},
		}),
	}
	// The transports' names (c2s, websocket and bosh give them), so that
	// every one is exported, at 0, before its first session.
	for _, t := range []string{"tcp", "websocket", "bosh"} {
		m.sessions.WithLabelValues(t)
	}
	if reg != nil {
		reg.MustRegister(m.sessions, m.stanzasIn, m.stanzasOut, m.delivered, m.dropped, m.slowClosed, m.latency)
	}
	return m
}
