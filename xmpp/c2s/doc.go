// Package c2s serves XMPP client connections over TCP (port 5222): stream
// negotiation with mellium, STARTTLS offered but not required, SASL PLAIN,
// resource binding, then the session's stanzas until either side closes.
package c2s
