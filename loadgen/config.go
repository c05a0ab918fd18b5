package loadgen

import (
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/finessed/finessed/xmpp/xmpptest"
)

// Config is one load run: who connects how, who changes state, how fast
// and for how long.
type Config struct {
	// REST is the server's REST base URL (http://127.0.0.1:8082); XMPP its
	// XMPP TCP address, BOSH its BOSH URL and WebSocket its WebSocket URL.
	REST, XMPP, BOSH, WebSocket string
	Domain                      string // the XMPP domain
	// BOSHOverH2C sends BOSH requests over cleartext HTTP/2 with prior
	// knowledge, so that held requests share connections: the way past a
	// per-process open-file limit to tens of thousands of sessions.
	BOSHOverH2C bool
	Password    string // every user's password
	// TLS configures the connections made over TLS: https:// REST and
	// BOSH, wss:// WebSocket, and TCP with StartTLS (nil: Go's defaults,
	// which check the server's certificate against the system's roots).
	// StartTLS upgrades every XMPP TCP connection with STARTTLS before
	// signing in.
	TLS      *tls.Config
	StartTLS bool

	// Sessions are the XMPP sessions that watch; Agents the users whose
	// state changes, each signed in on its extension before the run.
	Sessions []SessionSpec
	Agents   []AgentSpec
	// NotReadyReason and LogoutReason are the reasonCodeIds sent with
	// NOT_READY and LOGOUT ("" for none). The agents sign out at the end,
	// so that the next run does not meet their desktop grace expiring.
	NotReadyReason, LogoutReason string

	Calls CallLoad // customer calls played alongside the state changes

	// ConnectThenChange, when not 0, replaces the run with that many tries
	// in a row of a new desktop that binds, sends its initial presence
	// and at once PUTs a state change of its agent (the agents in turn, on
	// the Sessions' transports in turn), each owed that change's
	// notification within Drain. Rate and Duration are not used.
	ConnectThenChange int
	// Reconnect, when not 0, sends one session (the sessions in turn) away
	// every Reconnect: it closes as a desktop does, stays away for Away,
	// and signs in again under the same resource, owed what it missed.
	Reconnect, Away time.Duration

	Rate     float64       // state changes a second, over all agents
	Duration time.Duration // how long to change states
	Drain    time.Duration // how long to wait for the last notifications

	// Publish, when not nil, is publisher mode (see PublishSpec): a
	// publisher session publishes items instead of agents changing state,
	// and Agents, REST, NotReadyReason and LogoutReason are not used.
	Publish *PublishSpec

	// ServerPID, when not 0, is the server's process, whose memory and
	// CPU the report includes (read from /proc: same machine only).
	ServerPID int
	// Metrics, when not "", is the server's /metrics URL: the report gives
	// the server's stage latencies (finessed's histograms) over the run,
	// from a scrape before the drive and one after the drain.
	Metrics string
	// Sample, when not 0, reads the server's memory, goroutines (from
	// /metrics) and open descriptors every Sample during the run, for a
	// soak: they are printed as they come and listed in the report.
	Sample time.Duration
}

// SessionSpec is one XMPP session: a user, the transport it connects
// over (tcp, bosh or websocket), and the nodes it subscribes to beyond the
// automatic ones (its own User node among them).
type SessionSpec struct {
	User      string
	Transport string
	Subscribe []string
}

// AgentSpec is an agent that changes state, the extension it signs in on
// and its team, whose Users node carries its changes.
type AgentSpec struct {
	ID, Extension, Team string
}

// Transports are the ways a session connects.
var Transports = []string{"tcp", "bosh", "websocket"}

func (c Config) check() error {
	if c.Publish != nil {
		if c.Publish.Node == "" || c.Publish.Publisher == "" {
			return errors.New("publisher mode needs a node and a publisher")
		}
		for _, s := range c.Sessions {
			if !slices.Contains(s.Subscribe, c.Publish.Node) {
				return fmt.Errorf("session of %s does not subscribe to %s", s.User, c.Publish.Node)
			}
		}
	}
	if len(c.Sessions) == 0 || len(c.Agents) == 0 {
		return errors.New("need at least one session and one agent")
	}
	if c.ConnectThenChange == 0 && (c.Rate <= 0 || c.Duration <= 0) {
		return errors.New("need a rate > 0 and a duration > 0")
	}
	for _, s := range c.Sessions {
		if !slices.Contains(Transports, s.Transport) {
			return fmt.Errorf("transport %q: want one of %v", s.Transport, Transports)
		}
	}
	return nil
}

// TeamNode is the node a team's agents' User changes are published on.
func TeamNode(team string) string { return "/finesse/api/Team/" + team + "/Users" }

// UserNode is an agent's own User node, which every session of the agent
// receives without subscribing.
func UserNode(id string) string { return "/finesse/api/User/" + id }

// startTLS is the TLS configuration TCP sessions upgrade with, nil when
// they stay cleartext.
func (c Config) startTLS() *tls.Config {
	if !c.StartTLS {
		return nil
	}
	return xmpptest.TLSFor(c.TLS, c.Domain)
}

// pubsubService is the service the sessions subscribe on.
func (c Config) pubsubService() string {
	if c.Publish != nil && c.Publish.Service != "" {
		return c.Publish.Service
	}
	return "pubsub." + c.Domain
}

// publishing is c in publisher mode, ready to run: the publisher stands
// in as its only agent, so that the tracker files its items like changes.
func (c Config) publishing() Config {
	if c.Publish != nil {
		c.Agents = []AgentSpec{{ID: c.Publish.Publisher}}
	}
	return c
}

// watchers lists, for each agent, the sessions that must receive its
// changes and on which node: its own sessions on its User node, and the
// sessions subscribed to its team's node.
func (c Config) watchers() [][]watch {
	out := make([][]watch, len(c.Agents))
	if c.Publish != nil {
		// One agent, the publisher: every session receives each item.
		for s := range c.Sessions {
			out[0] = append(out[0], watch{s, c.Publish.Node})
		}
		return out
	}
	for a, agent := range c.Agents {
		for s, spec := range c.Sessions {
			switch {
			case spec.User == agent.ID:
				out[a] = append(out[a], watch{s, UserNode(agent.ID)})
			case agent.Team != "" && slices.Contains(spec.Subscribe, TeamNode(agent.Team)):
				out[a] = append(out[a], watch{s, TeamNode(agent.Team)})
			}
		}
	}
	return out
}

// watch is one session that receives an agent's changes, on node.
type watch struct {
	session int
	node    string
}
