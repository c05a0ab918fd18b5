// Package livetest starts an in-process finessed for tests that speak to
// it over the wire, as a desktop or a script would: the demo directory on
// a test clock, REST and the simulator, XMPP over TCP, WebSocket and
// BOSH, and the web desktop (/desktop/ beside REST) and event tunnel
// (/tunnel/ beside /ws), all on loopback ports, started in the order
// cmd/finessed starts them. Everything it starts ends when the test does.
//
// Its engine and goroutines come from internal/fixture, which the
// transports' own tests build on too.
package livetest
