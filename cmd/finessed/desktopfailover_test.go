//go:build unix

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/internal/browsertest"
	"github.com/finessed/finessed/redis/redistest"
)

// The two loopback addresses the nodes of TestDesktopFailover listen on:
// Linux routes all of 127/8 to lo, so each node has its own host and both
// use the same ports, as Finesse's two nodes do.
const hostA, hostB = "127.0.0.1", "127.0.0.2"

// TestDesktopFailover is issue #19's failover of the web desktop, in a
// real Chromium (interop/failover.mjs): two finessed processes on one
// redis-server, node a on 127.0.0.1 and node b on 127.0.0.2, on the same
// ports, each the other's -peer. Agent 1001 signs in on node a's desktop
// and goes READY; node a is killed (SIGKILL); the desktop shows a banner,
// moves to node b (its address becomes 127.0.0.2), signs in again there
// and is connected, still READY, which REST on node b confirms.
// Screenshots: desktop-failover-{before,during,after}.png.
func TestDesktopFailover(t *testing.T) {
	if testing.Short() {
		t.Skip("starts redis-server, two finessed processes and a browser")
	}
	node, chromium := browsertest.Tools(t, interopDir)
	rds := redistest.Start(t)
	if !rds.Real {
		browsertest.Missing(t, "no redis-server on PATH: the two nodes share a real one")
	}
	ports := freePortsOn(t, 2, hostA, hostB)
	restPort, notifyPort := ports[0], ports[1]
	bin := buildFinessed(t)

	nodeArgs := func(id, host, peer string) []string {
		at := func(port int) string { return net.JoinHostPort(host, strconv.Itoa(port)) }
		return []string{
			"-redis", rds.URL(), "-node-id", id, "-peer", net.JoinHostPort(peer, strconv.Itoa(restPort)),
			"-rest-addr", at(restPort), "-bosh-addr", at(notifyPort),
			"-rest-tls-addr", "", "-bosh-tls-addr", "", "-xmpp-addr", "",
		}
	}
	nodeA := startFinessedOn(t, bin, "a", hostA, restPort, 0, nodeArgs("a", hostA, hostB)...)
	nodeB := startFinessedOn(t, bin, "b", hostB, restPort, 0, nodeArgs("b", hostB, hostA)...)
	nodeA.waitReady(t, "1001", "finesse")
	nodeB.waitReady(t, "1001", "finesse")
	notifyA := "http://" + net.JoinHostPort(hostA, strconv.Itoa(notifyPort))

	// The script says KILL once the agent is READY on node a, and goes on
	// when told the node is gone.
	shots := browsertest.Screenshots(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "failover.mjs", nodeA.restURL(), nodeB.restURL(), notifyA, shots)
	cmd.Dir = interopDir
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium, "NODE_NO_WARNINGS=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr syncBuffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	killed := false
	lines := bufio.NewScanner(stdout)
	for lines.Scan() {
		line := lines.Text()
		fmt.Fprintln(&out, line)
		if line == "KILL" && !killed {
			killed = true
			nodeA.kill()
			if _, err := io.WriteString(stdin, "killed\n"); err != nil {
				t.Errorf("telling the script node a is gone: %v", err)
			}
		}
	}
	err = cmd.Wait()
	t.Logf("screenshots in %s\n%s%s", shots, out.String(), stderr.String())
	if !killed {
		t.Error("the script never asked for node a to be killed")
	}
	if !strings.Contains(out.String(), "PASS failover") {
		t.Error("failover did not pass")
	}
	if err != nil {
		t.Fatalf("failover.mjs: %v", err)
	}
	select {
	case <-nodeB.exited:
		t.Fatalf("node b exited: %v", nodeB.waitErr)
	default:
	}
}

// freePortsOn returns n distinct ports that nothing listens on now on
// any of hosts, bound together and released together (another process
// could still take one before a child binds it). It skips the test where
// a host cannot be bound (a loopback other than 127.0.0.1 off Linux).
func freePortsOn(t *testing.T, n int, hosts ...string) []int {
	t.Helper()
	var lns []net.Listener
	defer func() {
		for _, ln := range lns {
			ln.Close()
		}
	}()
	if ln, err := net.Listen("tcp", net.JoinHostPort(hosts[len(hosts)-1], "0")); err != nil {
		browsertest.Missing(t, fmt.Sprintf("cannot listen on %s (%v): the nodes need two loopback addresses", hosts[len(hosts)-1], err))
	} else {
		ln.Close()
	}
	var ports []int
	for tries := 0; len(ports) < n; tries++ {
		if tries > 100 {
			t.Fatalf("found no port free on all of %v", hosts)
		}
		first, err := net.Listen("tcp", net.JoinHostPort(hosts[0], "0"))
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, first)
		port := first.Addr().(*net.TCPAddr).Port
		free := true
		for _, h := range hosts[1:] {
			ln, err := net.Listen("tcp", net.JoinHostPort(h, strconv.Itoa(port)))
			if err != nil {
				free = false
				break
			}
			lns = append(lns, ln)
		}
		if free {
			ports = append(ports, port)
		}
	}
	return ports
}
