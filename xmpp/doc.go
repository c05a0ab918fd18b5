// Package xmpp is the notification service's core: the sessions that
// desktops hold, the pubsub service at pubsub.<domain>, and the delivery of
// acd's event log to subscribed sessions.
//
// Transports live in sub-packages, after Prosody's modules: c2s (XMPP over
// TCP), websocket (RFC 7395) and bosh (XEP-0124/0206). Each negotiates a
// stream, authenticates with Service.Authenticate, then opens a Session and
// from there only moves stanzas: inbound ones to Session.Handle, outbound
// ones from Session.Next. So pubsub and delivery never know the transport.
//
// Delivery: one goroutine (Service.Run) tails the log, renders each event
// once per node into the bytes of a pubsub notification, and queues them on
// every available session subscribed to the node, in log order. Queues are
// bounded; a session that cannot keep up is closed with a stream error.
// A user who comes back within the desktop grace period first receives
// what it missed, from the cursor acd keeps, then new events.
//
// xmpp never imports rest: the two meet only through acd's event log.
package xmpp
