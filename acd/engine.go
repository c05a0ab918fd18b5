package acd

import (
	"cmp"
	"context"
	"errors"
	"log/slog"
	"slices"
	"sync/atomic"
	"time"

	"github.com/finessed/finessed/acd/directory"
	"github.com/finessed/finessed/model"
)

// Engine owns every change of state. Its methods are safe for concurrent use.
type Engine struct {
	dir    *Directory
	store  Store
	log    Log
	clock  Clock
	auth   *directory.Authenticator
	timers timerSet
	stats  queueStats
	logs   clientLogs  // desktops' logs this node took
	lease  Lease       // nil: a single node, always the leader
	leader atomic.Bool // whether this node held the lease when last asked

	node   string         // this node's id among those sharing the Store
	self   model.NodeInfo // this node as SystemInfo describes it
	peer   string         // the peer's REST host:port, "" for none
	roster Roster         // nil: a single node, always in service
	beat   heartbeat
	ready  *readyIndex // nil when nodes share the Store
	// campaigns are the outbound campaigns dialing, by queue; codes the
	// administrators' reason codes.
	campaigns campaignIndex
	codes     *overlay[ReasonCodeRecord]
	wrapUps   *overlay[WrapUpRecord]
	books     *overlay[PhoneBookRecord]
	workflows *overlay[WorkflowRecord]
	actions   *overlay[ActionRecord]
	layouts   *overlay[LayoutRecord]

	sweeps, awaySweeps sweepGate // one Sweep, one SweepAway at a time
	awayAlarm          alarm     // SweepAway at the next desktop deadline
	commit             func(time.Duration)
}

// Options are what an Engine is built from. Directory, Store and its Log
// are required (package memstore has a Store and Log in memory, package
// redis shared ones); Clock defaults to the system clock and Lockouts to
// the directory's in-memory counter.
type Options struct {
	Directory *Directory
	Store     Store
	Log       Log // where Store's events go
	Clock     Clock
	Lockouts  directory.Lockouts
	// NodeID names this node among those sharing Store (default "local");
	// Node is how SystemInfo describes it, and Peer the REST host:port of
	// its failover peer ("" for none).
	NodeID string
	Node   model.NodeInfo
	Peer   string
	// Roster, when nodes share a Store, is where they announce themselves
	// (Start keeps announcing); nil means this node is alone.
	Roster Roster
	// ObserveCommit, when set, is told how long each transaction that
	// committed took, from its start to the Store's answer: the commit
	// stage of a request's latency, for a metric.
	ObserveCommit func(time.Duration)
	// Lease, when nodes share a Store, elects the one that runs the
	// sweeper and the queue statistics (Start keeps it); nil means
	// this node is alone and always runs them.
	Lease Lease
}

// NewEngine returns an Engine over opts.
func NewEngine(opts Options) (*Engine, error) {
	if opts.Directory == nil {
		return nil, errors.New("new engine: no directory")
	}
	if opts.Clock == nil {
		opts.Clock = SystemClock{}
	}
	if opts.Store == nil || opts.Log == nil {
		return nil, errors.New("new engine: a Store and its Log are required (memstore has both in memory)")
	}
	e := &Engine{
		dir:       opts.Directory,
		store:     opts.Store,
		log:       opts.Log,
		clock:     opts.Clock,
		auth:      directory.NewAuthenticator(opts.Directory, opts.Clock, opts.Lockouts),
		lease:     opts.Lease,
		node:      cmp.Or(opts.NodeID, "local"),
		self:      opts.Node,
		peer:      opts.Peer,
		roster:    opts.Roster,
		commit:    opts.ObserveCommit,
		codes:     &overlay[ReasonCodeRecord]{key: func(r ReasonCodeRecord) string { return r.Code.ID }},
		wrapUps:   &overlay[WrapUpRecord]{key: func(r WrapUpRecord) string { return r.Reason.ID }},
		books:     &overlay[PhoneBookRecord]{key: func(r PhoneBookRecord) string { return r.Book.ID }},
		workflows: &overlay[WorkflowRecord]{key: func(r WorkflowRecord) string { return r.Workflow.ID }},
		actions:   &overlay[ActionRecord]{key: func(r ActionRecord) string { return r.Action.ID }},
		layouts:   &overlay[LayoutRecord]{key: func(r LayoutRecord) string { return r.Layout.ID }},
	}
	if opts.Lease == nil && opts.Roster == nil {
		e.ready = &readyIndex{built: map[string]bool{}, byQueue: map[string][]readyEntry{}}
	}
	return e, nil
}

// Close stops the engine's pending timers and gives up the lease, so that
// a peer takes over at once. Deadlines stay in the Store, so a later Sweep
// (on this node or another) still honours them.
func (e *Engine) Close() {
	e.timers.stop()
	if e.lease != nil && e.leader.Load() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := e.lease.Release(ctx); err != nil {
			slog.Warn("release the lease", "err", err)
		}
	}
}

// Log is where committed events can be read, in order.
func (e *Engine) Log() Log { return e.log }

// Directory is the engine's directory.
func (e *Engine) Directory() *Directory { return e.dir }

// Authenticate checks a username (loginId or loginName) and password.
func (e *Engine) Authenticate(username, password string) (*User, error) {
	return e.auth.Authenticate(username, password)
}

// SystemInfo describes the deployment and its status.
func (e *Engine) SystemInfo() model.SystemInfo {
	primary, secondary := e.nodePair(e.beat.members())
	info := model.SystemInfo{
		CurrentTimestamp: e.clock.Now(),
		DeploymentType:   e.dir.Settings.DeploymentType,
		Status:           model.StatusInService,
		SystemAuthMode:   "NON_SSO",
		TimezoneOffset:   e.dir.Settings.TimezoneOffset,
		XMPPDomain:       e.dir.Domain,
		XMPPPubSubDomain: "pubsub." + e.dir.Domain,
		PrimaryNode:      primary,
		SecondaryNode:    secondary,
	}
	if !e.InService() {
		info.Status = model.StatusOutOfService
	}
	return info
}

// User is the full view of user idOrName (loginId or loginName) for actor.
func (e *Engine) User(ctx context.Context, actor *User, idOrName string) (model.User, error) {
	u, ok := e.dir.User(idOrName)
	if !ok {
		return model.User{}, refuse(ErrUserNotFound, idOrName, "no such user")
	}
	if err := directory.AuthorizeView(actor, u); err != nil {
		return model.User{}, err
	}
	a, err := e.store.Agent(ctx, u.ID)
	if err != nil {
		return model.User{}, err
	}
	return e.userView(u, a), nil
}

// Users is the full view of every user; only administrators may see it.
func (e *Engine) Users(ctx context.Context, actor *User) ([]model.User, error) {
	if err := directory.AuthorizeAdmin(actor); err != nil {
		return nil, err
	}
	agents, err := e.agentsByID(ctx)
	if err != nil {
		return nil, err
	}
	users := e.dir.Users()
	out := make([]model.User, 0, len(users))
	for _, u := range users {
		out = append(out, e.userView(u, agentOf(agents, u.ID)))
	}
	return out, nil
}

func (e *Engine) agentsByID(ctx context.Context) (map[string]Agent, error) {
	list, err := e.store.Agents(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]Agent, len(list))
	for _, a := range list {
		m[a.ID] = a
	}
	return m, nil
}

func agentOf(agents map[string]Agent, id string) Agent {
	if a, ok := agents[id]; ok {
		return a
	}
	return SignedOut(id)
}

// update runs fn in a Store transaction, as Store.Update does, refusing
// the repeat of a retry-safe request (retrysafe.go), publishing only the
// last of the dialog PUTs the transaction makes for one dialog
// (emitbuffer.go), and then brings the READY index up to date with the
// agents it wrote.
func (e *Engine) update(ctx context.Context, fn func(tx Tx) error) error {
	fn, committed := e.retrySafe(ctx, fn)
	var rec *agentWrites
	start := time.Now()
	err := e.store.Update(ctx, func(tx Tx) error {
		buf := &emitBuffer{Tx: tx}
		rec = &agentWrites{Tx: buf}
		if err := fn(rec); err != nil {
			return err
		}
		if err := e.interruptMedia(rec); err != nil {
			return err
		}
		if err := e.keepLines(rec); err != nil {
			return err
		}
		buf.flush()
		return nil
	})
	if err == nil {
		if e.commit != nil {
			e.commit(time.Since(start))
		}
		committed()
		if e.ready != nil && rec != nil && len(rec.ids) > 0 {
			e.ready.note(ctx, e, rec.ids)
		}
	}
	return err
}

// agentWrites is a transaction that remembers which agents it wrote.
type agentWrites struct {
	Tx
	ids   []string
	media []string // users whose nonvoice state it wrote
}

// PutMediaAgent notes m's user as written: its nonvoice state may have to
// follow its voice state (interruptMedia).
func (t *agentWrites) PutMediaAgent(m MediaAgent) {
	if !slices.Contains(t.media, m.Agent) {
		t.media = append(t.media, m.Agent)
	}
	t.Tx.PutMediaAgent(m)
}

func (t *agentWrites) PutAgent(a Agent) {
	if !slices.Contains(t.ids, a.ID) {
		t.ids = append(t.ids, a.ID)
	}
	t.Tx.PutAgent(a)
}
