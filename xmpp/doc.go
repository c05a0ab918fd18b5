// Package xmpp will be the notification service: XMPP streams over TCP,
// BOSH and WebSocket, SASL against acd's directory, the Finesse pubsub
// service and the fan-out of acd's event log to subscribed sessions. It is
// built by issue #3; until then it holds nothing.
package xmpp
