//go:build unix

package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// built is the binary buildFinessed built, once for the test run.
var built struct {
	once sync.Once
	bin  string
	err  error
}

// buildFinessed builds this command into buildDir, once a run, and
// returns the binary's path. When the test binary has the race detector,
// so does the server, and a race report in a child's stderr fails the
// test.
func buildFinessed(t *testing.T) string {
	t.Helper()
	built.once.Do(func() {
		bin := filepath.Join(buildDir, "finessed")
		args := []string{"build", "-o", bin}
		if raceEnabled() {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, ".")...)
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go %s: %w\n%s", strings.Join(cmd.Args[1:], " "), err, out)
			return
		}
		built.bin = bin
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	t.Logf("built %s (race detector: %v)", built.bin, raceEnabled())
	return built.bin
}

func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// freePorts returns n distinct loopback ports nothing listens on now.
// They are bound together and released together, so that no two are the
// same; another process could still take one before the child binds it.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	lns := make([]net.Listener, n)
	for i := range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns[i], ports[i] = ln, ln.Addr().(*net.TCPAddr).Port
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}

// syncBuffer is a bytes.Buffer that a child's output copier may write
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// process is one finessed child process.
type process struct {
	name     string
	cmd      *exec.Cmd
	output   *syncBuffer // stdout and stderr
	exited   chan struct{}
	waitErr  error // set before exited is closed
	restAddr string
	xmppAddr string
}

// startFinessed starts bin with args as a child named name, serving REST
// on restPort and XMPP on xmppPort of 127.0.0.1 (the caller passes the
// matching -rest-addr and -xmpp-addr in args). The child is killed when t
// ends, and its output is logged if t failed.
func startFinessed(t *testing.T, bin, name string, restPort, xmppPort int, args ...string) *process {
	t.Helper()
	return startFinessedOn(t, bin, name, "127.0.0.1", restPort, xmppPort, args...)
}

// startFinessedOn is startFinessed for a child that listens on host, a
// loopback address other than 127.0.0.1 say.
func startFinessedOn(t *testing.T, bin, name, host string, restPort, xmppPort int, args ...string) *process {
	t.Helper()
	p := &process{
		name: name, output: &syncBuffer{}, exited: make(chan struct{}),
		restAddr: net.JoinHostPort(host, strconv.Itoa(restPort)),
		xmppAddr: net.JoinHostPort(host, strconv.Itoa(xmppPort)),
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = p.output, p.output
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		p.kill()
		if out := p.output.String(); strings.Contains(out, "WARNING: DATA RACE") || strings.Contains(out, "panic:") {
			t.Errorf("node %s reported a race or a panic", name)
		}
		if t.Failed() {
			t.Logf("node %s (%s %s), exit %v, output:\n%s", name, bin, strings.Join(args, " "), p.waitErr, p.output.String())
		}
	})
	return p
}

// kill sends SIGKILL (if the child still runs) and waits for it to be gone.
func (p *process) kill() {
	select {
	case <-p.exited:
		return
	default:
	}
	// An error here is a child that exited meanwhile; Wait reports it.
	p.cmd.Process.Kill()
	<-p.exited
}

// freeze stops the child with SIGSTOP and waits until every one of its
// threads is stopped (where /proc tells), so that it does nothing more
// until it is killed: a node that hangs before it dies.
func (p *process) freeze(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("SIGSTOP node %s: %v", p.name, err)
	}
	tasks := fmt.Sprintf("/proc/%d/task", p.cmd.Process.Pid)
	if _, err := os.Stat(tasks); err != nil {
		return // no /proc: the signal is all we can do
	}
	deadline := time.Now().Add(5 * time.Second)
	for !allStopped(tasks) {
		if time.Now().After(deadline) {
			t.Fatalf("node %s did not stop after SIGSTOP", p.name)
		}
		time.Sleep(time.Millisecond)
	}
}

// allStopped reports whether every thread listed under tasks is in state
// T (stopped) or t (traced).
func allStopped(tasks string) bool {
	entries, err := os.ReadDir(tasks)
	if err != nil || len(entries) == 0 {
		return false
	}
	for _, e := range entries {
		stat, err := os.ReadFile(filepath.Join(tasks, e.Name(), "stat"))
		if err != nil {
			return false
		}
		// pid (comm) state ...: comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 || i+2 >= len(stat) || (stat[i+2] != 'T' && stat[i+2] != 't') {
			return false
		}
	}
	return true
}

func (p *process) restURL() string { return "http://" + p.restAddr }

// waitReady waits until GET SystemInfo answers 200 as user, failing the
// test if the child exits first or takes longer than a generous bound.
func (p *process) waitReady(t *testing.T, user, password string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	client := &http.Client{Timeout: time.Second}
	for {
		select {
		case <-p.exited:
			t.Fatalf("node %s exited before answering (%v):\n%s", p.name, p.waitErr, p.output.String())
		default:
		}
		req, _ := http.NewRequest("GET", p.restURL()+"/finesse/api/SystemInfo", nil)
		req.SetBasicAuth(user, password)
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			p.kill()
			t.Fatalf("node %s did not answer GET SystemInfo with 200 in 20 s:\n%s", p.name, p.output.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
