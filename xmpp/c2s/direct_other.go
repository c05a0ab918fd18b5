//go:build !(darwin || linux || openbsd)

package c2s

import (
	"net"

	"github.com/finessed/finessed/xmpp"
)

// newDirect is nil where there is no writev: the session's writer writes
// every stanza.
func newDirect(net.Conn) xmpp.DirectWriter { return nil }
