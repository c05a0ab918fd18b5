// Package websocket serves XMPP over WebSocket (RFC 7395) at /ws and /ws/:
// the "xmpp" subprotocol, <open/> and <close/> framing, and one complete
// stanza per WebSocket message, as Strophe.js needs.
//
// mellium negotiates the stream with the same features as TCP (less
// STARTTLS). Three of its WebSocket defects are handled here: stanzas over
// 4 KiB split across frames (we write each stanza as one message), a
// client's <close/> not recognised after negotiation, and </stream:stream>
// written instead of <close/> (we write both ends ourselves).
package websocket
