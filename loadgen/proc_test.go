package loadgen

import (
	"net"
	"os"
	"testing"
)

// ListenerPID finds the process by the socket it listens on, over IPv4
// and IPv6, and nothing for a port no one listens on.
func TestListenerPID(t *testing.T) {
	if _, err := os.Stat("/proc/net/tcp"); err != nil {
		t.Skip("no /proc/net/tcp here")
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:0"} {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Logf("%s: %v", addr, err)
			continue
		}
		port := ln.Addr().(*net.TCPAddr).Port
		if got := ListenerPID(port); got != os.Getpid() {
			t.Errorf("%s: listener pid %d, want this test's %d", ln.Addr(), got, os.Getpid())
		}
		ln.Close()
		if got := ListenerPID(port); got != 0 {
			t.Errorf("%s closed: listener pid %d, want 0", ln.Addr(), got)
		}
	}
}
