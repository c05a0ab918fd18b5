package web_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/internal/livetest"
)

// interopDir holds the npm packages (playwright-core) and the browser
// script that this test drives.
const interopDir = "../interop"

// browserTools finds node, Chromium and an installed playwright-core.
// Without them the test skips, saying what is missing, unless
// FINESSE_REQUIRE_BROWSER=1 (as .ci/run sets), where it fails.
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("FINESSE_REQUIRE_BROWSER") == "1" {
			t.Fatalf("FINESSE_REQUIRE_BROWSER=1 but %s", why)
		}
		t.Skipf("skipping the browser tests: %s (apt-get install chromium nodejs npm; cd interop && npm ci)", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH")
	}
	chromium = os.Getenv("CHROMIUM")
	if chromium == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if chromium, err = exec.LookPath(name); err == nil {
				break
			}
		}
	}
	if chromium == "" {
		missing("no chromium on PATH (nor CHROMIUM set)")
	}
	// npm writes node_modules/.package-lock.json once an install is
	// complete; an install still running (cmd/finessed's tests run npm ci
	// in the same directory) has not written it yet.
	done, err := os.ReadFile(filepath.Join(interopDir, "node_modules", ".package-lock.json"))
	if err != nil || !strings.Contains(string(done), `"node_modules/playwright-core"`) {
		missing("playwright-core is not installed in interop/")
	}
	return node, chromium
}

// screenshots is where the browser tests leave their screenshots:
// FINESSE_SCREENSHOTS when set (to keep and look at them), else the
// test's temporary directory.
func screenshots(t *testing.T) string {
	if dir := os.Getenv("FINESSE_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		abs, _ := filepath.Abs(dir)
		return abs
	}
	return t.TempDir()
}

// TestBrowser drives the desktop and the tunnel page in a real Chromium
// (interop/browser.mjs): an agent signs in, goes READY, answers, holds,
// retrieves and ends an injected call and applies a wrap-up reason; a
// supervisor forces it NOT_READY from team performance; a container page
// of another origin gets a User event through the tunnel, subscribes and
// unsubscribes, and is told of a conflict.
func TestBrowser(t *testing.T) {
	node, chromium := browserTools(t)
	srv := livetest.Start(t)
	shots := screenshots(t)
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
