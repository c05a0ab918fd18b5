package web_test

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/internal/browsertest"
	"github.com/finessed/finessed/internal/livetest"
)

// interopDir holds the npm packages (playwright-core) and the browser
// script that this test drives.
const interopDir = "../interop"

// TestBrowser drives the desktop and the tunnel page in a real Chromium
// (interop/browser.mjs): an agent signs in, goes READY, answers, holds,
// retrieves and ends an injected call and applies a wrap-up reason; a
// supervisor forces it NOT_READY from team performance; a container page
// of another origin gets a User event through the tunnel, subscribes and
// unsubscribes, and is told of a conflict.
func TestBrowser(t *testing.T) {
	node, chromium := browsertest.Tools(t, interopDir)
	srv := livetest.Start(t)
	shots := browsertest.Screenshots(t)
	run := func(t *testing.T, env []string, scenarios ...string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		args := append([]string{"browser.mjs", srv.REST, srv.Notify, shots}, scenarios...)
		cmd := exec.CommandContext(ctx, node, args...)
		cmd.Dir = interopDir
		cmd.Env = append(append(os.Environ(), "CHROMIUM="+chromium, "NODE_NO_WARNINGS=1"), env...)
		out, err := cmd.CombinedOutput()
		t.Logf("screenshots in %s\n%s", shots, out)
		for _, s := range scenarios {
			if !strings.Contains(string(out), "PASS "+s) {
				t.Errorf("%s did not pass", s)
			}
		}
		if err != nil {
			t.Fatalf("browser.mjs: %v", err)
		}
	}
	t.Run("desktop", func(t *testing.T) { run(t, nil, "agent", "supervisor") })
	t.Run("tunnel", func(t *testing.T) { run(t, nil, "tunnel") })
}
