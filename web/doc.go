// Package web serves, from assets embedded in the binary, the two pages a
// browser needs from finessed: the agent and supervisor desktop
// (Desktop, mounted at /desktop/ on the REST listeners) and the event
// tunnel that gadget containers load in a hidden iframe (Tunnel, mounted
// at /tunnel/ on the BOSH/WebSocket listeners).
//
// Both are plain HTML, CSS and JavaScript with no build step. The tunnel
// speaks XMPP with strophe.js 5.0.0, vendored from npm as
// assets/vendor/strophe.umd.min.js; nothing is loaded from outside the
// server. The desktop talks to the server as a gadget does: REST with
// Basic credentials on its own origin, and its events through the tunnel
// page of the notification service, in an iframe. docs/tunnel.md is the
// tunnel's postMessage protocol; docs/desktop.md says how to open the
// desktop.
package web
