package xmpp

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/finessed/finessed/acd"
)

// Options tune a Service. Zero values take the defaults.
type Options struct {
	// QueueLimit is how many stanzas may wait for one session before it is
	// closed as too slow (default 4096).
	QueueLimit int
	// Registerer receives the service's metrics (nil: none).
	Registerer prometheus.Registerer
}

// Service is the notification service of one node.
type Service struct {
	engine  *acd.Engine
	opts    Options
	domain  string
	pubsub  string
	metrics *metrics
	hub     *hub

	mu       sync.Mutex
	sessions map[string]*Session // by full JID
	desktops map[string]int      // available or joining sessions by user id
	stopped  bool

	reclaiming atomic.Bool // a reclaimDesktops goroutine runs
}

// NewService returns the notification service over engine's directory and
// event log. Run delivers events; transports open sessions.
func NewService(engine *acd.Engine, opts Options) *Service {
	if opts.QueueLimit <= 0 {
		opts.QueueLimit = 4096
	}
	dom := engine.Directory().Domain
	s := &Service{
		engine: engine, opts: opts, domain: dom, pubsub: "pubsub." + dom,
		metrics: newMetrics(opts.Registerer), sessions: map[string]*Session{},
		desktops: map[string]int{},
	}
	s.hub = newHub(s)
	// Start delivery from the log's end now, not when Run's goroutine gets
	// going: sessions may open, and changes commit, before it does, and
	// those changes must not be skipped.
	if last, err := engine.Log().Last(context.Background()); err == nil {
		s.hub.start(last)
	}
	engine.TrackDelivered(s.hub.cursor)
	engine.WatchService(s.serviceChanged)
	engine.WatchReaped(s.reclaimDesktops)
	return s
}

// reclaimDesktops gives acd back the desktops this node still holds that
// another node cleared away as if this one were dead (both lost the
// shared Store, and the other came back first). It is called from the
// heartbeat, which must not wait for a transaction per user, so the work
// runs on a goroutine of its own, bounded by republishTimeout; a second
// call while one runs is dropped, the first covering the same sessions.
func (s *Service) reclaimDesktops() {
	if !s.reclaiming.CompareAndSwap(false, true) {
		return
	}
	held := s.heldDesktops()
	go func() {
		defer s.reclaiming.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), republishTimeout)
		defer cancel()
		if err := s.engine.DesktopsHeld(ctx, held); err != nil {
			slog.Error("take back this node's desktops", "err", err)
		}
	}()
}

// heldDesktops lists the sessions available on this node.
func (s *Service) heldDesktops() []acd.DesktopSession {
	s.mu.Lock()
	sessions := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		sessions = append(sessions, sess)
	}
	s.mu.Unlock()
	var held []acd.DesktopSession
	for _, sess := range sessions {
		sess.mu.Lock()
		available := sess.joined && !sess.closed
		sess.mu.Unlock()
		if available {
			held = append(held, acd.DesktopSession{User: sess.user.ID, JID: sess.jid, Session: sess.nonce})
		}
	}
	return held
}

// serviceChanged tells this node's desktops that the node went out of
// service or came back, on SystemInfo, by the node-local path: the shared
// log is what went down. Back in service, it republishes the last known
// state of every signed-in agent and live dialog.
func (s *Service) serviceChanged(up bool) {
	events := []acd.Event{s.engine.SystemInfoEvent()}
	if up {
		ctx, cancel := context.WithTimeout(context.Background(), republishTimeout)
		defer cancel()
		state, err := s.engine.LastKnownState(ctx)
		if err != nil {
			slog.Error("republish after coming back into service", "err", err)
		}
		events = append(events, state...)
	}
	s.hub.publishLocal(events)
}

// republishTimeout bounds the read of the state republished after an
// outage.
const republishTimeout = 10 * time.Second

// Position is how far this node's notification service is along the
// event log: the last event it dispatched to its sessions, and an event
// every available session was given, with all before it (or was not
// owed). The second costs a pass over the sessions; neither is for a hot
// path.
func (s *Service) Position() (dispatched, delivered acd.EventID) {
	dispatched, _ = s.hub.position()
	return dispatched, s.hub.cursor()
}

// Domain is the XMPP domain sessions' JIDs are in.
func (s *Service) Domain() string { return s.domain }

// Authenticate checks SASL PLAIN credentials. The username is a loginId or
// loginName, compared without regard to case as clients lower-case JIDs;
// the lockout is the same as for REST, and so is the log line of a
// refusal, which carries what directory.WithLogAttrs put in ctx.
func (s *Service) Authenticate(ctx context.Context, username, password string) (*acd.User, error) {
	if u, ok := s.engine.Directory().UserFold(username); ok {
		username = u.ID
	}
	return s.engine.AuthenticateContext(ctx, username, password)
}

// errShuttingDown refuses sessions while the service stops.
var errShuttingDown = errors.New("xmpp: the service is shutting down")

// Open starts a session for u with resource (a random one when empty) on
// transport, for a client at remote (an address, for the log). An
// existing session with the same full JID is closed with a conflict
// stream error, as RFC 6120 §7.7.2.2 allows.
func (s *Service) Open(u *acd.User, resource, transport, remote string) (*Session, error) {
	if resource == "" {
		resource = randomID(12)
	}
	if !validResource(resource) {
		return nil, fmt.Errorf("xmpp: bad resource %q", resource)
	}
	bare := u.ID + "@" + s.domain
	sess := &Session{
		svc: s, user: u, bare: bare, jid: bare + "/" + resource, nonce: randomID(12), transport: transport,
		remote: remote, opened: time.Now(), written: s.metrics.write.WithLabelValues(transport),
		wake: make(chan struct{}, 1), done: make(chan struct{}), ids: newMsgIDs(),
	}
	sess.bound, sess.boundKnown = s.hub.position()
	// Stanzas name jabber:client themselves: on WebSocket each is a
	// document of its own, and in a BOSH body it would otherwise inherit
	// the httpbind namespace.
	sess.msgPrefix = fmt.Appendf(nil, "<message xmlns='%s' from='%s' to='%s' id='", NSClient, s.pubsub, xmlAttr(sess.jid))
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return nil, errShuttingDown
	}
	old := s.sessions[sess.jid]
	s.sessions[sess.jid] = sess
	s.mu.Unlock()
	if old != nil {
		old.closeWith(&StreamError{Condition: "conflict", Text: "replaced by a new session with the same resource"}, true, "")
	}
	s.metrics.sessions.WithLabelValues(transport).Inc()
	slog.Info("session opened", sess.logAttrs()...)
	return sess, nil
}

// desktopArrives counts one more desktop of user on this node and reports
// whether it is the first. acd hears only of the first arriving and the
// last leaving: what it keeps is which nodes hold a user's desktops, and
// a user with many sessions on one node (a load test's supervisor) would
// otherwise make every one of them contend for the same agent record.
func (s *Service) desktopArrives(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.desktops[user]++
	return s.desktops[user] == 1
}

// desktopLeaves counts one desktop of user less and reports whether it
// was the last on this node.
func (s *Service) desktopLeaves(user string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.desktops[user]--
	if s.desktops[user] > 0 {
		return false
	}
	delete(s.desktops, user)
	return true
}

// detach forgets a closed session.
func (s *Service) detach(sess *Session) {
	s.mu.Lock()
	if s.sessions[sess.jid] == sess {
		delete(s.sessions, sess.jid)
	}
	s.mu.Unlock()
	s.metrics.sessions.WithLabelValues(sess.transport).Dec()
	s.hub.leave(sess)
}

// Run delivers committed events until ctx is done, then tells every
// session the service is going away (presence unavailable from finesse)
// and closes it with a system-shutdown stream error.
func (s *Service) Run(ctx context.Context) error {
	err := s.hub.run(ctx)
	s.mu.Lock()
	s.stopped = true
	open := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		open = append(open, sess)
	}
	s.mu.Unlock()
	for _, sess := range open {
		sess.send(s.finessePresence(sess, "unavailable"))
		sess.closeWith(&StreamError{Condition: "system-shutdown", Text: "the server is shutting down"}, true, "")
	}
	slog.Info("notification service stopped", "sessions", len(open))
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

// finessePresence is presence from the finesse user, which desktops take
// as the sign that the Finesse application is up (or, unavailable, down).
func (s *Service) finessePresence(sess *Session, typ string) []byte {
	if typ != "" {
		typ = " type='" + typ + "'"
	}
	return fmt.Appendf(nil, "<presence xmlns='%s' from='finesse@%s' to='%s'%s/>", NSClient, s.domain, xmlAttr(sess.jid), typ)
}

// validResource accepts what RFC 7622 resourceparts plausibly are: 1-1023
// bytes of UTF-8 without control characters.
func validResource(r string) bool {
	if len(r) == 0 || len(r) > 1023 || !utf8.ValidString(r) {
		return false
	}
	return !strings.ContainsFunc(r, func(c rune) bool { return c < 0x20 || c == 0x7f })
}

const idChars = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomID returns n random letters and digits.
func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = idChars[int(b[i])%len(idChars)]
	}
	return string(b)
}

// logDropped notes events a reconnecting session could not be given.
func logDropped(user string, from, to acd.EventID, at time.Time) {
	slog.Warn("replay gap: events trimmed from the log", "user", user, "from", from, "to", to, "at", at)
}
