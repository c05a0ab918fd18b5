// Package negotiate holds what the TCP and WebSocket transports share: the
// stream features mellium negotiates for them (optional STARTTLS, SASL PLAIN
// with retries, resource binding that opens an xmpp.Session), and the loop
// that moves stanzas between a negotiated stream and its session.
//
// mellium's stock features do not fit Finesse clients: its STARTTLS is
// always required, its SASL needs a secure stream and ends negotiation on an
// unknown mechanism, and it keeps no record of who authenticated. These
// variants fix each of those.
package negotiate
