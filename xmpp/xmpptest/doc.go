// Package xmpptest is a Finesse desktop in miniature: a real XMPP client
// (mellium) over TCP or WebSocket, and one of its own over BOSH, that signs
// in, sends its presence, subscribes to nodes and collects the
// notifications it receives, parsed into model.Update values.
//
// It is a client only, so that the tools built on it (cmd/finesse, the
// conformance runner) carry neither the notification service nor the
// testing package; the in-process servers tests dial it against are in
// internal/fixture and internal/livetest.
package xmpptest
