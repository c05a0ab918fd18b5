package loadgen

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/finessed/finessed/conformance"
)

// session is one connected XMPP session, on whichever transport.
type session interface {
	subscribe(service, node string) error
	receive(found func(requestID string)) error
	// available sends the initial presence of a session dialled ready
	// later; leave ends the stream as a desktop that closes does, and the
	// server closes the connection after it. Anything they read goes to
	// found.
	available(found func(requestID string)) error
	leave(found func(requestID string))
	close()
}

// Run signs the agents in, connects and subscribes the sessions, changes
// states at cfg.Rate for cfg.Duration, waits up to cfg.Drain for the last
// notifications, and returns what happened. Progress lines go to progress
// (nil for none). It stops early, with what it has, when ctx ends.
func Run(ctx context.Context, cfg Config, progress io.Writer) (*Result, error) {
	cfg = cfg.publishing()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if progress == nil {
		progress = io.Discard
	}
	// The status line, the sampler and the edge runs print from goroutines
	// of their own.
	progress = &lockedWriter{w: progress}
	r := newRun(cfg)
	r.startKeepAlive(keepAliveEvery)
	defer r.tearDown()
	if err := r.setUp(ctx, progress); err != nil {
		return nil, err
	}
	before, stagesBefore := readProc(cfg.ServerPID), r.scrapeStages(ctx)
	if cfg.ConnectThenChange > 0 {
		r.connectThenChange(ctx, progress)
	} else {
		r.drive(ctx, progress)
	}
	// The stages are read before the sign-outs, which are not the run.
	res := r.result(before, readProc(cfg.ServerPID))
	res.setStages(stagesBefore, r.scrapeStages(context.WithoutCancel(ctx)))
	if cfg.Publish == nil {
		r.signOut(context.WithoutCancel(ctx))
	}
	return res, nil
}

// signOut signs every agent out (NOT_READY, then LOGOUT), a few at a
// time, ignoring refusals: it is tidying up, not measuring.
func (r *run) signOut(ctx context.Context) {
	var wg sync.WaitGroup
	slots := make(chan struct{}, 32)
	for _, a := range r.cfg.Agents {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			r.put(ctx, a.ID, "<User><state>NOT_READY</state>"+reasonElement(r.cfg.NotReadyReason)+"</User>", "")
			r.put(ctx, a.ID, "<User><state>LOGOUT</state>"+reasonElement(r.cfg.LogoutReason)+"</User>", "")
		})
	}
	wg.Wait()
}

// run is one load run's state.
type run struct {
	cfg      Config
	watchers [][]watch
	readers  sync.WaitGroup
	client   *http.Client
	bosh     *http.Client // long polls: no timeout shorter than BOSH's wait
	track    *tracker
	calls    *callTracker
	kinds    restKinds  // REST latency by kind of request
	pub      *publisher // in publisher mode

	accepted, failed atomic.Int64
	start, end       time.Time

	mu    sync.Mutex
	slots []slot // the sessions, by index

	sampleLog
	reconnects, reconnectsFailed atomic.Int64
	stopKeepAlive                chan struct{} // closed at tearDown
	keeper                       sync.WaitGroup
	edges                        *ConnectThenChange // in that shape
	edgeLosses                   []Loss
}

func newRun(cfg Config) *run {
	r := &run{
		cfg:      cfg,
		watchers: cfg.watchers(),
		client:   &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, TLSClientConfig: cfg.TLS}},
		bosh:     &http.Client{Timeout: 90 * time.Second, Transport: boshTransport(cfg)},
		track:    newTracker(cfg),
	}
	r.calls = r.track.calls
	return r
}

// boshTransport carries the BOSH requests: a connection a held request
// over HTTP/1.1, or streams on a few connections over HTTP/2.
func boshTransport(cfg Config) *http.Transport {
	t := &http.Transport{MaxIdleConnsPerHost: 2 * len(cfg.Sessions), TLSClientConfig: cfg.TLS}
	if cfg.BOSHOverH2C {
		t.Protocols = new(http.Protocols)
		t.Protocols.SetUnencryptedHTTP2(true)
	}
	return t
}

// setUp signs the agents in and opens and subscribes the sessions.
func (r *run) setUp(ctx context.Context, progress io.Writer) error {
	if r.cfg.Publish != nil {
		if err := r.setUpPublisher(ctx, progress); err != nil {
			return err
		}
	}
	for _, a := range r.agentsToSignIn() {
		body := "<User><state>LOGIN</state><extension>" + a.Extension + "</extension></User>"
		if _, err := r.put(ctx, a.ID, body, ""); err != nil {
			return fmt.Errorf("sign %s in: %w", a.ID, err)
		}
	}
	if r.cfg.ConnectThenChange > 0 {
		return nil // each try opens its own session
	}
	for i, spec := range r.cfg.Sessions {
		s, err := r.dial(ctx, spec, "load"+strconv.Itoa(i))
		if err != nil {
			return err
		}
		for _, node := range spec.Subscribe {
			if err == nil {
				err = s.subscribe(r.cfg.pubsubService(), node)
			}
		}
		if err != nil {
			s.close()
			return err
		}
		r.openSlot(i, s)
		if (i+1)%500 == 0 {
			fmt.Fprintf(progress, "%d sessions subscribed\n", i+1)
		}
	}
	return nil
}

func (r *run) dial(ctx context.Context, spec SessionSpec, resource string) (session, error) {
	ready := readyFinesse
	if r.cfg.Publish != nil {
		ready = readyOther
	}
	return r.dialReady(ctx, spec, resource, ready)
}

// dialReady is dial, ending the sign-in as ready says.
func (r *run) dialReady(ctx context.Context, spec SessionSpec, resource string, ready readiness) (session, error) {
	switch spec.Transport {
	case "bosh":
		return dialBOSH(ctx, r.bosh, !r.cfg.BOSHOverH2C, r.cfg.BOSH, r.cfg.Domain, spec.User, r.cfg.Password, resource, ready)
	case "websocket":
		return dialWebSocket(ctx, r.cfg.WebSocket, r.cfg.Domain, spec.User, r.cfg.Password, resource, ready, r.cfg.TLS)
	}
	return dialRaw(ctx, r.cfg.XMPP, r.cfg.Domain, spec.User, r.cfg.Password, resource, ready, r.cfg.startTLS())
}

func (r *run) tearDown() {
	r.stopKeepingAlive()
	if r.pub != nil {
		r.pub.close()
	}
	r.mu.Lock()
	for _, sl := range r.slots {
		if sl.s != nil {
			sl.s.close()
		}
	}
	r.mu.Unlock()
	r.readers.Wait()
}

// drive changes states at the configured rate for the configured time,
// then waits for the notifications to arrive. It paces by the clock, not
// by ticks: each tick sends every change due by then, so a tick that
// comes late (both cores busy) does not lower the rate.
func (r *run) drive(ctx context.Context, progress io.Writer) {
	interval := max(time.Duration(float64(time.Second)/r.cfg.Rate), time.Millisecond)
	tick := time.NewTicker(interval)
	defer tick.Stop()
	status := time.NewTicker(time.Second)
	defer status.Stop()
	var puts sync.WaitGroup
	inflight := make(chan struct{}, 256)
	r.start = time.Now()
	deadline := r.start.Add(r.cfg.Duration)
	var calls sync.WaitGroup
	calls.Go(func() { r.driveCalls(ctx, deadline) })
	calls.Go(func() { r.driveReconnects(ctx, deadline) })
	var sampler sync.WaitGroup
	defer sampler.Wait()
	sampling, stopSampling := context.WithCancel(ctx)
	defer stopSampling()
	sampler.Go(func() { r.sampleEvery(sampling, progress) })
	for seq := 0; ctx.Err() == nil; {
		var now time.Time
		select {
		case now = <-tick.C:
		case <-status.C:
			fmt.Fprintf(progress, "changes %d, notifications %d of %d\n", r.accepted.Load(), r.track.received.Load(), r.track.expected.Load())
			continue
		case <-ctx.Done():
			continue
		}
		if !now.Before(deadline) {
			break
		}
		due := int(now.Sub(r.start).Seconds()*r.cfg.Rate) + 1
		for ; seq < due && ctx.Err() == nil; seq++ {
			if r.pub != nil {
				r.publishAt(seq)
				continue
			}
			inflight <- struct{}{}
			puts.Add(1)
			go func(seq int) {
				defer func() { <-inflight; puts.Done() }()
				r.changeAt(ctx, seq)
			}(seq)
		}
	}
	puts.Wait()
	r.end = time.Now()
	calls.Wait()
	for wait := time.Now().Add(r.cfg.Drain); time.Now().Before(wait) && ctx.Err() == nil && (r.track.received.Load() < r.track.expected.Load() || r.calls.outstanding() > 0 || r.unanswered() > 0); {
		time.Sleep(10 * time.Millisecond)
	}
}

// changeAt is change seq: agents in turn, each READY then NOT_READY.
func (r *run) changeAt(ctx context.Context, seq int) {
	agent := seq % len(r.cfg.Agents)
	body := "<User><state>READY</state></User>"
	if (seq/len(r.cfg.Agents))%2 == 1 {
		body = "<User><state>NOT_READY</state>" + reasonElement(r.cfg.NotReadyReason) + "</User>"
	}
	r.change(ctx, seq, agent, body)
}

func reasonElement(id string) string {
	if id == "" {
		return ""
	}
	return "<reasonCodeId>" + id + "</reasonCodeId>"
}

// change sends state change seq of agent and files it with the tracker,
// which from then on expects its notifications.
func (r *run) change(ctx context.Context, seq, agent int, body string) {
	id := r.cfg.Agents[agent].ID
	r.track.sent(seq, agent, time.Now())
	took, err := r.put(ctx, id, body, requestID(seq))
	r.kinds.observe(kindState, took, err)
	if err != nil {
		r.failed.Add(1)
		r.track.refused(seq)
		return
	}
	r.accepted.Add(1)
	r.track.accepted(seq, took)
}

// requestID is the requestId of change seq, which its notifications carry.
func requestID(seq int) string { return "load-" + strconv.Itoa(seq) }

// parseRequestID is seq for a requestId of this run.
func parseRequestID(id string) (int, bool) {
	n, ok := strings.CutPrefix(id, "load-")
	if !ok {
		return 0, false
	}
	seq, err := strconv.Atoi(n)
	return seq, err == nil && seq >= 0
}

// put sends one PUT on an agent's User and reports how long it took; any
// answer but 202 is an error, a conformance.HTTPError that says why in
// one line.
func (r *run) put(ctx context.Context, agent, body, requestID string) (time.Duration, error) {
	path := "/finesse/api/User/" + agent
	status, answer, took, err := r.request(ctx, http.MethodPut, path, agent, body, requestID)
	if err == nil && status != http.StatusAccepted {
		err = &conformance.HTTPError{Method: http.MethodPut, Path: path, StatusCode: status, Body: []byte(answer)}
	}
	return took, err
}

// lockedWriter lets several goroutines print whole lines to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
