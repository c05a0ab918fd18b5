// Package acd is the engine: every change of agent state happens here and
// nowhere else.
//
// The Engine validates a request against the directory and the Finesse
// transition rules, then commits the new state together with the events it
// causes in one atomic step of the Store. Events are rendered Update
// documents addressed to pubsub nodes; the notification service tails the
// Log and delivers them. A request the current state refuses is not an error
// to the caller: it commits an asynchronous apiErrors event instead, as a
// real Finesse server does.
//
// The Directory (users, roles, teams, queues, devices, reason codes),
// authorization and authentication live in package directory, so that REST
// and XMPP share one answer to "who is this and may they do that"; acd
// names its types (User, Team, Queue) and refusals (the Err values) for its
// callers.
//
// acd depends on interfaces it owns: Store and Tx (state, in optimistic
// transactions), Log (the events, in commit order), Lease (which node runs
// the sweeps and timers), Roster (the nodes alive and their cursors) and
// Clock. Package memstore implements them in memory for a single node,
// package redis for a pair sharing state. acd imports model and directory
// and nothing else of this module.
package acd
