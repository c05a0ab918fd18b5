package loadgen

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"sync"
	"time"
)

// Two shapes of real desktops that lose events where a steady run does
// not (issue #14): a desktop that changes its agent's state the moment it
// has bound, before or while its initial presence goes out; and a desktop
// that closes and comes back under the same resource while its user has
// other desktops up.

// ConnectThenChange is the first shape's tally: each try a new session
// binds, then sends its initial presence and PUTs a state change at once,
// and must receive that change's notification.
type ConnectThenChange struct {
	Tries, Received int
	Notify          Latency // PUT sent to notification received
}

// connectThenChange runs cfg.ConnectThenChange tries in a row, the agents
// and the sessions' transports in turn, and files each notification that
// did not come within cfg.Drain as a loss.
func (r *run) connectThenChange(ctx context.Context, progress io.Writer) {
	tally := &ConnectThenChange{}
	var took []time.Duration
	r.start = time.Now()
	for try := range r.cfg.ConnectThenChange {
		if ctx.Err() != nil {
			break
		}
		agent := r.cfg.Agents[try%len(r.cfg.Agents)]
		spec := SessionSpec{User: agent.ID, Transport: r.cfg.Sessions[try%len(r.cfg.Sessions)].Transport}
		d, err := r.tryConnectThenChange(ctx, try, spec)
		tally.Tries++
		switch {
		case err != nil:
			r.edgeLosses = append(r.edgeLosses, Loss{RequestID: edgeRequestID(try), Agent: agent.ID, Session: try, Node: err.Error()})
		default:
			tally.Received++
			took = append(took, d)
		}
		if (try+1)%10 == 0 {
			fmt.Fprintf(progress, "connect-then-change: %d of %d received\n", tally.Received, tally.Tries)
		}
	}
	r.end = time.Now()
	tally.Notify = latencyOf(took)
	r.edges = tally
}

func edgeRequestID(try int) string { return "edge-" + strconv.Itoa(try) }

// tryConnectThenChange is one try: it returns how long the notification
// took from the PUT, or why it did not come.
func (r *run) tryConnectThenChange(ctx context.Context, try int, spec SessionSpec) (time.Duration, error) {
	s, err := r.dialReady(ctx, spec, "edge"+strconv.Itoa(try), readyLater)
	if err != nil {
		return 0, err
	}
	want := edgeRequestID(try)
	got := make(chan time.Time, 1)
	found := func(id string) {
		if id == want {
			select {
			case got <- time.Now():
			default:
			}
		}
	}
	var read sync.WaitGroup
	read.Go(func() { s.receive(found) })
	defer func() {
		s.close()
		read.Wait()
	}()
	body := "<User><state>READY</state></User>"
	if (try/len(r.cfg.Agents))%2 == 1 {
		body = "<User><state>NOT_READY</state>" + reasonElement(r.cfg.NotReadyReason) + "</User>"
	}
	sent := time.Now()
	put := make(chan error, 1)
	go func() {
		_, err := r.put(ctx, spec.User, body, want)
		put <- err
	}()
	if err := s.available(found); err != nil {
		return 0, fmt.Errorf("presence: %w", err)
	}
	if err := <-put; err != nil {
		return 0, err
	}
	select {
	case at := <-got:
		return at.Sub(sent), nil
	case <-time.After(r.cfg.Drain):
		return 0, fmt.Errorf("%s/%s (%s): no notification within %v", spec.User, "edge"+strconv.Itoa(try), spec.Transport, r.cfg.Drain)
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}

// slot is one session of a run and its reader. A session that reconnects
// takes its slot again, so what it is owed and lost stays its own.
type slot struct {
	s    session
	read chan struct{} // closed when the reader ends
}

// openSlot starts session i's reader and puts it in its slot.
func (r *run) openSlot(i int, s session) {
	read := make(chan struct{})
	r.readers.Go(func() {
		defer close(read)
		s.receive(func(id string) { r.track.receipt(i, id) })
	})
	r.mu.Lock()
	for len(r.slots) <= i {
		r.slots = append(r.slots, slot{})
	}
	r.slots[i] = slot{s: s, read: read}
	r.mu.Unlock()
}

// driveReconnects sends one session away every cfg.Reconnect, the
// sessions in turn, until deadline, and waits for every one to be back.
func (r *run) driveReconnects(ctx context.Context, deadline time.Time) {
	if r.cfg.Reconnect <= 0 {
		return
	}
	tick := time.NewTicker(r.cfg.Reconnect)
	defer tick.Stop()
	var away sync.WaitGroup
	defer away.Wait()
	for next := 0; ; next++ {
		select {
		case now := <-tick.C:
			if !now.Before(deadline) {
				return
			}
		case <-ctx.Done():
			return
		}
		i := next % len(r.cfg.Sessions)
		away.Go(func() { r.reconnect(ctx, i) })
	}
}

// reconnect closes session i as a desktop does, reading what the server
// still writes, stays away cfg.Away, and signs in again under the same
// resource, which is owed what it missed.
func (r *run) reconnect(ctx context.Context, i int) {
	r.mu.Lock()
	sl := r.slots[i]
	r.slots[i] = slot{}
	r.mu.Unlock()
	if sl.s == nil {
		return // away already
	}
	sl.s.leave(func(id string) { r.track.receipt(i, id) })
	select {
	case <-sl.read:
	case <-time.After(5 * time.Second):
	}
	sl.s.close()
	<-sl.read
	select {
	case <-time.After(r.cfg.Away):
	case <-ctx.Done():
	}
	s, err := r.dial(ctx, r.cfg.Sessions[i], "load"+strconv.Itoa(i))
	if err != nil {
		r.reconnectsFailed.Add(1)
		return
	}
	r.openSlot(i, s)
	r.reconnects.Add(1)
}
