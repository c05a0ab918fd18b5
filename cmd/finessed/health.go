package main

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// health answers /healthz and /readyz. /healthz is liveness: the process
// answers HTTP, which is all a process supervisor should restart on.
// /readyz is readiness, for a load balancer: 503 before start-up has
// finished, while shutting down, while the node is OUT_OF_SERVICE (its
// shared state does not answer), and while a listener does not accept
// connections, since a node in any of those states serves requests or
// desktops badly or not at all.
type health struct {
	// inService is the engine's own status.
	inService func() bool

	started, stopping atomic.Bool

	// accepting are the listeners whose accepts may fail for a while
	// (out of file descriptors), by name.
	accepting []acceptor

	mu      sync.Mutex
	stopped map[string]error // what stopped for good, and why
}

// acceptor is a listener that can report a run of failed accepts.
type acceptor struct {
	name string
	l    interface{ Failing() bool }
}

func (h *health) serveLive(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, "ok") }

func (h *health) serveReady(w http.ResponseWriter, r *http.Request) {
	why := h.notReady()
	if len(why) == 0 {
		fmt.Fprintln(w, "ready")
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusServiceUnavailable)
	fmt.Fprintln(w, "not ready: "+strings.Join(why, "; "))
}

// notReady lists why the node is not ready, nothing when it is.
func (h *health) notReady() []string {
	switch {
	case h.stopping.Load():
		return []string{"shutting down"}
	case !h.started.Load():
		// Every field below is set before started is, so reading them
		// only after seeing it set is race-free.
		return []string{"starting"}
	}
	var why []string
	if !h.inService() {
		why = append(why, "out of service: the shared state does not answer")
	}
	for _, a := range h.accepting {
		if a.l.Failing() {
			why = append(why, a.name+": accepts are failing")
		}
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, name := range slices.Sorted(maps.Keys(h.stopped)) {
		why = append(why, fmt.Sprintf("%s stopped: %v", name, h.stopped[name]))
	}
	return why
}

// stop records that a listener or service stopped for good with err.
func (h *health) stop(name string, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.stopped == nil {
		h.stopped = map[string]error{}
	}
	h.stopped[name] = err
}
