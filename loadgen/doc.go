// Package loadgen drives a Finesse-compatible server the way a contact
// centre does, and measures what it delivers: agents change state over
// REST while XMPP sessions (TCP, BOSH or WebSocket) watch the nodes the
// changes are published on. It counts every notification by the
// requestId of the request that caused it, so a run reports latency from
// the request to each receipt, per transport, and any notification that
// did not arrive as lost, naming the session and node.
//
// Its clients are raw: they negotiate with fixed strings and then only
// scan the bytes for requestIds, so thousands of sessions cost the
// generator little and the figures describe the server. It only targets
// the addresses it is given.
//
// In publisher mode (Config.Publish) it measures another XMPP server the
// same way: a publisher session publishes XEP-0060 items carrying the
// same escaped Updates, and the sessions are the node's subscribers.
package loadgen
