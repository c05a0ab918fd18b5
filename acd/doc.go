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
// The Directory (users, roles, teams, queues, devices, reason codes) and
// authentication (password check and sign-in lockout) live here as well, so
// that REST and XMPP share one answer to "who is this and may they do that".
//
// acd depends on interfaces it owns (Store, Log, Clock, Lockouts) and ships
// their in-memory implementations; package redis implements them for a
// shared deployment. acd imports model and nothing else of this module.
package acd
