// Package xmpptest is a Finesse desktop in miniature for tests: a real
// XMPP client (mellium) over TCP or WebSocket that signs in, sends its
// presence, subscribes to nodes and collects the notifications it receives,
// parsed into model.Update values.
package xmpptest
