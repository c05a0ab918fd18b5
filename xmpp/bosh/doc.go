// Package bosh serves XMPP over BOSH (XEP-0124, with XEP-0206's XMPP
// binding), as Finesse does at /http-bind on ports 7071 and 7443. The
// browser desktop, its gadgets and jabberwerx-based clients use it.
//
// A Handler owns every BOSH session. A session goes through SASL PLAIN
// (other mechanisms are refused so that clients fall back to PLAIN), the
// xbosh stream restart and resource binding, which opens an xmpp.Session;
// from then on the request bodies' stanzas go to Session.Handle and what
// the session queues goes back in the responses of held requests.
//
// Ownership and concurrency. Each BOSH session has one mutex for its rid
// window, held requests, pending stanzas and response cache. Requests are
// processed strictly in rid order: the request whose rid is next holds the
// "token" and processes its body without the lock; requests that arrived
// early wait for it. Once bound, one pump goroutine per session moves
// batches from xmpp.Session.Next into the pending buffer, and only when the
// buffer is empty, so that the core's bounded queue (and its slow-consumer
// close) still applies to a client that stops polling. A pending buffer is
// handed to the oldest held request; Session.Written is called only after
// that response was written, and a failed write puts the stanzas back.
//
// Lifetime. A session ends when its client terminates it, after the
// inactivity period with no request (so a vanished client does not keep a
// session that receives fan-out, the Prosody trap), when it has not bound
// a resource within the negotiation timeout however often it polls, on a
// rid or syntax error, or when the core closes the xmpp.Session. Sessions
// are capped in all and, until bound, per source address; a request's
// body must arrive within its own deadline, lifted once read so that the
// request can be held. Handler.Close (or Run's
// context) ends every session and waits for the pumps; after it no timer or
// goroutine of the package remains except the HTTP handlers still writing
// their last responses.
//
// Locks are taken in one order only: a session's mutex, then the Handler's
// or the core's (closing an xmpp.Session under it); the core never calls
// back into this package, and no lock is held while writing a response.
package bosh
