// Package rest serves the Finesse REST API under /finesse/api/, and the
// simulator's under /acd/.
//
// A request first passes the steps every request shares, each an
// http.Handler around the next, as http.MaxBytesHandler is: metrics, panic
// recovery, the requestId header, the node's availability, HTTP Basic
// authentication and the body bound. Server.chain (server.go) lists them
// in order, and that order decides which error a request that breaks
// several rules is given. The gorilla/mux router comes last.
//
// Handlers are thin: decode the XML body, call one acd method, encode the
// answer. Requests that can never be valid are refused here with an
// ApiErrors body; acd's sentinel errors are mapped to statuses in one
// place (errors.go). State changes answer 202 with an empty body and the
// result arrives as an event, as with a real Finesse server.
//
// rest never imports xmpp: the two meet only through acd's event log.
package rest
