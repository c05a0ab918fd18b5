// Package rest serves the Finesse REST API under /finesse/api/.
//
// Handlers are thin: authenticate (HTTP Basic), decode the XML body, call one
// acd method, encode the answer. Requests that can never be valid are
// refused here with an ApiErrors body; acd's sentinel errors are mapped to
// statuses in one place (errors.go). State changes answer 202 with an empty
// body and the result arrives as an event, as with a real Finesse server.
//
// rest never imports xmpp: the two meet only through acd's event log.
package rest
