// Package directory is who is who in a deployment and what each may do:
// the config types a config file spells, the Directory built from them
// (users and their roles, teams, queues and their dialed numbers, devices,
// reason codes, wrap-up reasons, phone books, the dial plan), the rules
// that authorize a request or a pubsub node for a user, authentication
// (password secrets, the sign-in cache and lockouts), and the kinds of
// refusal a request can meet.
//
// It is a leaf over model, so that what only needs to know users — the
// config reader, the XMPP sign-in of BOSH and the stream negotiation —
// does not link the engine. The engine (package acd) takes a Directory and
// names its types under the same names.
package directory
