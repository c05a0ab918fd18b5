//go:build !(darwin || linux || openbsd)

package writev

import (
	"errors"
	"net"
	"syscall"
)

// Raw is nil where there is no writev: the session's writer writes every
// stanza.
func Raw(net.Conn) syscall.RawConn { return nil }

// Try is never called where Raw is nil.
func Try(syscall.RawConn, [][]byte) (int, error) {
	return 0, errors.New("writev: not supported on this platform")
}
