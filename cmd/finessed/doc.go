// Command finessed is a server that Cisco Finesse clients cannot tell from
// the real thing: the Finesse REST API, its notification service and a
// built-in ACD.
//
// Started without flags it serves an in-memory state and the embedded demo
// directory: REST on :8082 (HTTP) and :8445 (HTTPS, with a self-signed
// certificate generated at start), /metrics and /healthz beside the API.
//
// Usage:
//
//	finessed [-config FILE] [-rest-addr :8082] [-rest-tls-addr :8445]
//	         [-bosh-addr :7071] [-bosh-tls-addr :7443] [-xmpp-addr :5222]
//	         [-metrics-addr ADDR] [-redis URL] [-log-level info]
//
// An empty address turns that listener off. SIGINT or SIGTERM shuts the
// server down gracefully.
package main
