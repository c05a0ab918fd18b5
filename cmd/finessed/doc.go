// Command finessed is a server that Cisco Finesse clients cannot tell from
// the real thing: the Finesse REST API, its notification service and a
// built-in ACD.
//
// Started without flags it serves an in-memory state and the embedded demo
// directory: REST on :8082 (HTTP) and :8445 (HTTPS, with a self-signed
// certificate generated at start), XMPP over TCP on :5222, BOSH
// (/http-bind) and WebSocket (/ws) on :7071 and :7443 (HTTPS), and
// /metrics, /healthz and /readyz beside the API. The demo directory's
// passwords are published, so without -config every listener whose
// address is not given listens on 127.0.0.1 only.
//
// Usage:
//
//	finessed [-config FILE] [-rest-addr :8082] [-rest-tls-addr :8445]
//	         [-bosh-addr :7071] [-bosh-tls-addr :7443] [-xmpp-addr :5222]
//	         [-metrics-addr ADDR] [-pprof-addr ADDR]
//	         [-redis URL] [-node-id NAME] [-peer HOST:PORT]
//	         [-max-conns 10000] [-max-http-conns 0] [-max-bosh-sessions 50000]
//	         [-max-bosh-unbound-per-addr 1000] [-body-timeout 30s]
//	         [-test-clock] [-log-level info] [-log-format text|json] [-version]
//	finessed -check-config FILE
//
// An empty address turns that listener off. -metrics-addr moves /metrics,
// /healthz and /readyz off the REST listeners to a listener of their own;
// -pprof-addr serves net/http/pprof's /debug/pprof/ on a listener of its
// own, for profiling (off unless given).
//
// -redis keeps the state, the event log, the lease, the roster of nodes and
// the sign-in lockout counters in Redis, shared by every node that names
// the same one. -node-id names this node among those sharing -redis
// (default: the host name); the node whose id sorts first is SystemInfo's
// primary. -peer is the failover peer's REST
// host:port: its host is what SystemInfo reports for the peer, and two
// nodes that name each other report the same pair.
//
// -test-clock runs the ACD on a clock that stands still until
// POST /acd/Clock (<Clock><advance>15s</advance></Clock>) moves it on,
// firing every timer that came due, so that conformance scenarios need not
// wait for real timers; without it that resource answers 404. Never use it
// in production: ring-no-answer, wrap-up, the desktop grace period and the
// queue statistics stop until the clock is moved.
//
// The -max flags cap connections and BOSH sessions (0: no cap), and
// -body-timeout bounds how long a client may take to send a request and
// its body. -version prints the version and the commit it was built from.
// -check-config FILE reads and checks a config file as -config would,
// prints a one-line summary and exits 0, or prints the error and exits 1
// (docs/configuration.md lists every key).
//
// /healthz is liveness (200 while the process answers); /readyz is
// readiness for a load balancer: 503 before start-up has finished, while
// shutting down, while the node is OUT_OF_SERVICE and while a listener
// does not accept connections.
//
// SIGINT or SIGTERM shuts the server down gracefully.
package main
