// Package writev writes to a plain TCP socket without waiting: one
// non-blocking writev of a vector of buffers, as much as the socket's
// buffer takes at once. The XMPP transports use it so that the goroutine
// that queues a notification for an idle session writes it itself, instead
// of waking the session's writer (xmpp.DirectWriter).
package writev
