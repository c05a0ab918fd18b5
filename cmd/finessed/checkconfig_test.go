//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckConfig: -check-config prints one line summing the file up and
// exits 0, or prints the error on one line and exits 1, as the binary.
func TestCheckConfig(t *testing.T) {
	bin := buildFinessed(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	run := func(path string) (stdout, stderr string, code int) {
		var out, errOut bytes.Buffer
		cmd := exec.Command(bin, "-check-config", path)
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			code = exit.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errOut.String(), code
	}

	out, errOut, code := run("../../config/demo.yaml")
	if code != 0 || errOut != "" || strings.Count(out, "\n") != 1 ||
		!strings.Contains(out, "ok: domain localhost, UCCE deployment, 12 users (11 agents), 2 teams, 3 queues, 20 devices") {
		t.Errorf("the demo config: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for name, c := range map[string]struct{ text, want string }{
		"bad-user.yaml":  {"users:\n  - {id: 'a/b', password: x}\n", `user "a/b"`},
		"misspelt.yaml":  {"setings: {}\n", "field setings not found"},
		"wrap-up.yaml":   {"settings: {wrapUpTimer: 3h}\n", "wrapUpTimer 3h0m0s is outside 1s..2h"},
		"bad-queue.yaml": {"queues:\n  - {id: '1', agents: ['nobody']}\n", `unknown agent "nobody"`},
		"no-key.yaml":    {"tls: {certFile: /nonexistent/cert.pem, keyFile: /nonexistent/key.pem}\n", "tls:"},
	} {
		out, errOut, code := run(write(name, c.text))
		if code != 1 || out != "" || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stdout %q, stderr %q, want exit 1 and one line naming %q", name, code, out, errOut, c.want)
		}
	}
}
