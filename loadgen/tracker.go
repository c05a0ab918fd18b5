package loadgen

import (
	"sync"
	"sync/atomic"
	"time"
)

// tracker files every change sent and every notification received, by
// session and change, so that a run can say which notification did not
// arrive, where.
type tracker struct {
	watchers  [][]watch
	transport []string     // of each session
	calls     *callTracker // files call actions' notifications

	mu        sync.Mutex
	changes   []change  // by seq
	got       [][]uint8 // by session, then seq: receipts, saturating
	latencies map[string][]time.Duration
	restTimes []time.Duration
	last      time.Time // the newest receipt

	expected, received, duplicates, unknown atomic.Int64
}

// change is one state change: the agent, when it was sent, and whether
// the server accepted it (only accepted changes owe notifications).
type change struct {
	agent    int
	sentAt   time.Time
	accepted bool
}

func newTracker(cfg Config) *tracker {
	t := &tracker{watchers: cfg.watchers(), latencies: map[string][]time.Duration{}, calls: newCallTracker(cfg.Sessions)}
	for _, s := range cfg.Sessions {
		t.transport = append(t.transport, s.Transport)
	}
	t.got = make([][]uint8, len(cfg.Sessions))
	return t
}

// sent files change seq before its request goes out, so that a receipt
// that beats the response finds it.
func (t *tracker) sent(seq, agent int, at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for len(t.changes) <= seq {
		t.changes = append(t.changes, change{agent: -1})
	}
	t.changes[seq] = change{agent: agent, sentAt: at}
}

func (t *tracker) accepted(seq int, took time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.changes[seq].accepted = true
	t.restTimes = append(t.restTimes, took)
	t.expected.Add(int64(len(t.watchers[t.changes[seq].agent])))
}

func (t *tracker) refused(seq int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.changes[seq].agent = -1
}

// receipt files a notification carrying requestID, received by session.
func (t *tracker) receipt(session int, requestID string) {
	now := time.Now()
	if isCallRequestID(requestID) {
		if !t.calls.receipt(session, t.transport[session], requestID, now) {
			t.unknown.Add(1)
		}
		return
	}
	seq, ok := parseRequestID(requestID)
	t.mu.Lock()
	defer t.mu.Unlock()
	if !ok || seq >= len(t.changes) || t.changes[seq].agent < 0 {
		t.unknown.Add(1)
		return
	}
	got := t.got[session]
	for len(got) <= seq {
		got = append(got, 0)
	}
	t.got[session] = got
	if got[seq] > 0 {
		t.duplicates.Add(1)
		got[seq] = min(got[seq], 254) + 1
		return
	}
	got[seq] = 1
	t.received.Add(1)
	t.last = now
	tr := t.transport[session]
	t.latencies[tr] = append(t.latencies[tr], now.Sub(t.changes[seq].sentAt))
}

// Loss is a notification that did not arrive: the one carrying RequestID
// (a state change or a call action of Agent), owed to Session (its index
// in Config.Sessions) on Node.
type Loss struct {
	RequestID string
	Agent     string
	Session   int
	Node      string
}

// losses lists every notification an accepted change owed and no session
// received.
func (t *tracker) losses(agents []AgentSpec) []Loss {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []Loss
	for seq, c := range t.changes {
		if !c.accepted || c.agent < 0 {
			continue
		}
		for _, w := range t.watchers[c.agent] {
			if got := t.got[w.session]; seq >= len(got) || got[seq] == 0 {
				out = append(out, Loss{RequestID: requestID(seq), Agent: agents[c.agent].ID, Session: w.session, Node: w.node})
			}
		}
	}
	return out
}

// sentAt is when change seq was sent, and whether it is one that was.
func (t *tracker) sentAt(seq int) (time.Time, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if seq < 0 || seq >= len(t.changes) || t.changes[seq].agent < 0 {
		return time.Time{}, false
	}
	return t.changes[seq].sentAt, true
}
