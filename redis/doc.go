// Package redis keeps acd's shared state in Redis, so that two finessed
// nodes serve the same agents and each is the other's failover peer.
//
// Store implements acd.Store: every entity (agent, call, dialog, history,
// queue, sequence...) is one key holding its version and its JSON, and a
// transaction reads versions as it goes and commits with one Lua script
// that checks them, writes, and appends the transaction's events to a
// Redis Stream, all atomically; a conflict runs the transaction again.
// Log implements acd.Log by tailing that stream with XREAD, and Lease
// implements acd.Lease with a key holding the holder and its deadline on
// the acd Clock.
//
// Only this package imports go-redis. It needs a single Redis (or a
// primary with replicas), not a Cluster: the commit script touches keys it
// does not declare.
package redis

import (
	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/acd/directory"
)

// The interfaces of acd and directory each type here implements.
var (
	_ acd.Store             = (*Store)(nil)
	_ acd.Log               = (*Log)(nil)
	_ acd.Roster            = (*Roster)(nil)
	_ acd.Lease             = (*Lease)(nil)
	_ directory.Lockouts    = (*Lockouts)(nil)
	_ directory.LockChecker = (*Lockouts)(nil)
)
