package bosh

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/xmpp"
)

// Handler serves BOSH at /http-bind (mount it at /http-bind/ too: clients
// use both). One Handler may serve several listeners; secure='true' is
// reported to clients that came over TLS. The zero value of each option
// takes its default. Close it (or run Run) to end its sessions.
type Handler struct {
	Service *xmpp.Service
	// MaxWait caps the wait a client asks for: how long a request is held
	// when there is nothing to send (default 60 s).
	MaxWait time.Duration
	// MaxHold caps hold, how many requests a client may have held at once
	// (default 2; clients ask for 1).
	MaxHold int
	// Inactivity is how long a session may have no request in flight
	// before it is ended as abandoned (default 60 s).
	Inactivity time.Duration
	// MaxSessions caps the open BOSH sessions (0: no cap).
	MaxSessions int
	// MaxUnboundPerAddress caps the sessions from one source address that
	// have not yet bound a resource (0: no cap), so that one client cannot
	// hold the whole of MaxSessions without ever signing in.
	MaxUnboundPerAddress int
	// NegotiationTimeout is how long a session has to authenticate and
	// bind, however often it polls (default 30 s, as over TCP and
	// WebSocket).
	NegotiationTimeout time.Duration
	// BodyTimeout bounds how long a request's body may take to arrive
	// (default 30 s). It is set per request, after the body, rather than
	// as the server's ReadTimeout, which would also cancel requests held
	// for up to MaxWait.
	BodyTimeout time.Duration
	// Refused counts sessions refused at MaxSessions or
	// MaxUnboundPerAddress, Expired those ended by NegotiationTimeout.
	// Either may be nil.
	Refused, Expired prometheus.Counter

	mu       sync.Mutex
	sessions map[string]*session
	unbound  map[string]int // sessions not yet bound, by source address
	closed   bool
	wg       sync.WaitGroup // the sessions' pumps
}

func (h *Handler) maxWait() time.Duration { return positive(h.MaxWait, 60*time.Second) }

func (h *Handler) inactivity() time.Duration { return positive(h.Inactivity, 60*time.Second) }

func (h *Handler) negotiationTimeout() time.Duration {
	return positive(h.NegotiationTimeout, 30*time.Second)
}

func (h *Handler) bodyTimeout() time.Duration { return positive(h.BodyTimeout, 30*time.Second) }

func (h *Handler) maxHold() int {
	if h.MaxHold > 0 {
		return h.MaxHold
	}
	return 2
}

func positive(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}

// Run waits for ctx to be done, then closes h. Cancel it once the
// Service's Run has returned, so that sessions end with the service's
// last words (presence unavailable from finesse) rather than before them.
func (h *Handler) Run(ctx context.Context) error {
	<-ctx.Done()
	h.Close()
	return nil
}

// Close ends every session with system-shutdown, refuses new ones and
// waits for the sessions' goroutines. Held requests are answered; their
// HTTP handlers return as soon as the response is written.
func (h *Handler) Close() {
	h.mu.Lock()
	h.closed = true
	list := slices.Collect(maps.Values(h.sessions))
	h.mu.Unlock()
	for _, s := range list {
		s.mu.Lock()
		s.shutdownLocked()
		s.mu.Unlock()
	}
	h.wg.Wait()
	// Sessions whose client is not polling would keep their terminal
	// response until their inactivity timer: drop them now instead.
	for _, s := range list {
		s.mu.Lock()
		if !s.gone {
			s.gone = true
			s.stopIdleLocked()
			s.wakeLocked()
		}
		s.mu.Unlock()
	}
	h.mu.Lock()
	h.sessions, h.unbound = nil, nil
	h.mu.Unlock()
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hdr := w.Header()
	// Browser gadgets post from other origins.
	hdr.Set("Access-Control-Allow-Origin", "*")
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		hdr.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
		hdr.Set("Access-Control-Allow-Headers", "Content-Type")
		hdr.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusOK)
		return
	default:
		hdr.Set("Allow", "POST, OPTIONS")
		http.Error(w, "BOSH takes POST requests only", http.StatusMethodNotAllowed)
		return
	}
	data, err := h.readBody(w, r)
	if err != nil {
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			h.refuse(w, r, data, "policy-violation")
		case errors.Is(err, os.ErrDeadlineExceeded):
			http.Error(w, "the request body did not arrive in time", http.StatusRequestTimeout)
		default:
			http.Error(w, "cannot read the request body", http.StatusBadRequest)
		}
		return
	}
	b, err := parseBody(data)
	if err != nil {
		h.refuse(w, r, data, "bad-request")
		return
	}
	if b.sid == "" {
		h.create(w, r, b)
		return
	}
	s, closed := h.lookup(b.sid)
	switch {
	case closed:
		writeBody(w, r, renderTerminate(&ending{condition: "system-shutdown"}, nil))
	case s == nil:
		// XEP-0124 §17 allows HTTP 404 too; Strophe reads the body.
		writeBody(w, r, renderTerminate(&ending{condition: "item-not-found"}, nil))
	default:
		s.serve(w, r, b)
	}
}

// readBody reads r's body within BodyTimeout, then lifts the deadline so
// that the request can be held. After a failed read the deadline stays:
// net/http would otherwise wait for the rest of the body before answering.
func (h *Handler) readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	rc := http.NewResponseController(w)
	// Where deadlines are not supported (a test's recorder) the body is
	// read without one.
	limited := rc.SetReadDeadline(time.Now().Add(h.bodyTimeout())) == nil
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if limited && err == nil {
		rc.SetReadDeadline(time.Time{})
	}
	return data, err
}

// refuse answers a body that is too large or not a BOSH body: the
// session it names ends with condition (XEP-0124 §17); without a known
// session, HTTP 400.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, data []byte, condition string) {
	if sid := sniffSID(data); sid != "" {
		if s, _ := h.lookup(sid); s != nil {
			s.mu.Lock()
			s.endLocked(&ending{condition: condition})
			resp := s.terminateLocked()
			s.mu.Unlock()
			writeBody(w, r, resp.data)
			return
		}
	}
	http.Error(w, "bad-request: not a BOSH body of a known session", http.StatusBadRequest)
}

func (h *Handler) lookup(sid string) (s *session, closed bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sessions[sid], h.closed
}

// forget removes an ended session; its mutex is held (sessions before the
// Handler is the lock order).
func (h *Handler) forget(s *session) {
	h.mu.Lock()
	if h.sessions[s.sid] == s {
		delete(h.sessions, s.sid)
	}
	h.mu.Unlock()
}

// addPump counts a pump goroutine about to start, unless h is closed.
func (h *Handler) addPump() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return false
	}
	h.wg.Add(1)
	return true
}

// create starts a session (XEP-0124 §7, XEP-0206 §5).
func (h *Handler) create(w http.ResponseWriter, r *http.Request, b *body) {
	if b.rid == 0 {
		http.Error(w, "bad-request: the session creation request has no valid rid", http.StatusBadRequest)
		return
	}
	el := b.el
	if to := el.SelectAttrValue("to", ""); to != "" && !strings.EqualFold(to, h.Service.Domain()) {
		writeBody(w, r, renderTerminate(&ending{condition: "host-unknown"}, nil))
		return
	}
	wait := h.maxWait()
	if v, err := strconv.Atoi(el.SelectAttrValue("wait", "")); err == nil && v >= 0 {
		wait = min(wait, time.Duration(v)*time.Second)
	}
	hold := 1
	if v, err := strconv.Atoi(el.SelectAttrValue("hold", "")); err == nil && v >= 0 {
		hold = v
	}
	hold = min(hold, h.maxHold())

	s := newSession(h, randomHex(16), b.rid, wait, hold)
	s.addr = sourceAddress(r)
	data := h.creationBody(s, el.SelectAttrValue("ver", ""), r.TLS != nil)
	s.cache[b.rid] = &response{rid: b.rid, data: data}
	s.active = 1 // this request; the inactivity clock starts once it is answered

	h.mu.Lock()
	switch {
	case h.closed:
		h.mu.Unlock()
		writeBody(w, r, renderTerminate(&ending{condition: "system-shutdown"}, nil))
		return
	case h.MaxSessions > 0 && len(h.sessions) >= h.MaxSessions,
		h.MaxUnboundPerAddress > 0 && h.unbound[s.addr] >= h.MaxUnboundPerAddress:
		h.mu.Unlock()
		inc(h.Refused)
		writeBody(w, r, renderTerminate(&ending{condition: "policy-violation"}, nil))
		return
	}
	if h.sessions == nil {
		h.sessions, h.unbound = map[string]*session{}, map[string]int{}
	}
	h.sessions[s.sid] = s
	h.unbound[s.addr]++
	s.unboundCounted = true
	// Armed under h.mu, so that a session's end, which takes h.mu after
	// s.mu, always finds the timer to stop.
	s.negotiation = time.AfterFunc(h.negotiationTimeout(), s.negotiationExpired)
	h.mu.Unlock()
	defer s.release()
	writeBody(w, r, data)
}

// sourceAddress is the host a request came from, without its port.
func sourceAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// settle stops counting s as unbound, once it bound or ended.
func (h *Handler) settle(s *session) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.negotiation != nil {
		s.negotiation.Stop()
	}
	if !s.unboundCounted {
		return
	}
	s.unboundCounted = false
	if h.unbound[s.addr]--; h.unbound[s.addr] <= 0 {
		delete(h.unbound, s.addr)
	}
}

func inc(c prometheus.Counter) {
	if c != nil {
		c.Inc()
	}
}

// creationBody renders the session creation response, with the SASL
// features (XEP-0206 §5). No ack attribute: acknowledgements are not
// reported, which tells clients that sent ack not to expect them.
func (h *Handler) creationBody(s *session, ver string, secure bool) []byte {
	var b strings.Builder
	b.WriteString(bodyOpen + " xmlns:xmpp='" + NSXBOSH + "' xmlns:stream='" + nsStream + "'")
	attr := func(k, v string) {
		b.WriteString(" " + k + "='" + attrEscaper.Replace(v) + "'")
	}
	attr("sid", s.sid)
	attr("wait", strconv.Itoa(seconds(s.wait)))
	attr("hold", strconv.Itoa(s.hold))
	attr("requests", strconv.Itoa(s.requests))
	attr("inactivity", strconv.Itoa(max(seconds(h.inactivity()), 1)))
	attr("polling", "2")
	attr("ver", version(ver))
	attr("from", h.Service.Domain())
	attr("authid", randomHex(8))
	attr("secure", strconv.FormatBool(secure))
	attr("xmpp:version", "1.0")
	attr("xmpp:restartlogic", "true")
	b.WriteString(">")
	b.Write(mechanismsFeatures)
	b.WriteString("</body>")
	return []byte(b.String())
}

// seconds rounds d up to whole seconds, the unit of BOSH's attributes.
func seconds(d time.Duration) int { return int((d + time.Second - 1) / time.Second) }

// version is the protocol version to report: the client's, up to 1.11
// (XEP-0124 §6); a client that gives none is taken to speak 1.0.
func version(client string) string {
	major, minor, ok := strings.Cut(client, ".")
	ma, err1 := strconv.Atoi(major)
	mi, err2 := strconv.Atoi(minor)
	switch {
	case !ok || err1 != nil || err2 != nil || ma < 1 || mi < 0:
		return "1.0"
	case ma > 1 || mi >= 11:
		return "1.11"
	}
	return "1." + strconv.Itoa(mi)
}

var attrEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", "'", "&apos;", `"`, "&quot;")

// randomHex returns n bytes of crypto randomness in hex: a sid must not be
// guessable, as it is all that authenticates a request.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// writeBody writes a response body and flushes it, reporting whether it
// reached the connection. A request whose client already left is not
// written at all.
func writeBody(w http.ResponseWriter, r *http.Request, data []byte) error {
	if err := r.Context().Err(); err != nil {
		return err
	}
	hdr := w.Header()
	hdr.Set("Content-Type", "text/xml; charset=utf-8")
	hdr.Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(data); err != nil {
		return err
	}
	if err := http.NewResponseController(w).Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	return nil
}
