// Package browsertest finds what the browser tests drive the desktop and
// the event tunnel with: node, a Chromium, and playwright-core installed
// in interop/. Without them a test skips, saying what is missing, unless
// FINESSE_REQUIRE_BROWSER=1 (as .ci/run sets), where it fails.
package browsertest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Required reports whether FINESSE_REQUIRE_BROWSER=1 asks that the
// browser tests run rather than skip.
func Required() bool { return os.Getenv("FINESSE_REQUIRE_BROWSER") == "1" }

// Missing skips t for why, or fails it where the browser tests are
// required.
func Missing(t testing.TB, why string) {
	t.Helper()
	if Required() {
		t.Fatalf("FINESSE_REQUIRE_BROWSER=1 but %s", why)
	}
	t.Skipf("skipping the browser test: %s (apt-get install chromium nodejs npm redis-server; cd interop && npm ci)", why)
}

// Tools finds node, Chromium (CHROMIUM, else chromium, chromium-browser
// or google-chrome on PATH) and playwright-core installed in interopDir.
func Tools(t testing.TB, interopDir string) (node, chromium string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		Missing(t, "node is not on PATH")
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
		Missing(t, "no chromium on PATH (nor CHROMIUM set)")
	}
	// npm writes node_modules/.package-lock.json once an install is
	// complete; an install still running (cmd/finessed's tests run npm ci
	// in the same directory) has not written it yet.
	done, err := os.ReadFile(filepath.Join(interopDir, "node_modules", ".package-lock.json"))
	if err != nil || !strings.Contains(string(done), `"node_modules/playwright-core"`) {
		Missing(t, "playwright-core is not installed in "+interopDir)
	}
	return node, chromium
}

// Screenshots is where a browser test leaves its screenshots:
// FINESSE_SCREENSHOTS when set (to keep and look at them), else the
// test's temporary directory.
func Screenshots(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv("FINESSE_SCREENSHOTS"); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	return t.TempDir()
}
