package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/internal/livetest"
)

// TestGadgetInBrowser opens the sample gadget in Chromium through
// interop/browser.mjs: it connects through the tunnel, shows 1002's state
// from a User event and makes it READY over REST. It skips, saying why,
// without node, chromium or playwright-core.
func TestGadgetInBrowser(t *testing.T) {
	node, err := exec.LookPath("node")
	chromium, err2 := exec.LookPath("chromium")
	lock, err3 := os.ReadFile("../../interop/node_modules/.package-lock.json")
	if err != nil || err2 != nil || err3 != nil || !strings.Contains(string(lock), `"node_modules/playwright-core"`) {
		t.Skip("skipping: needs node, chromium on PATH and playwright-core installed in interop/ (cd interop && npm ci)")
	}
	srv := livetest.Start(t)
	h, err := Handler(srv.REST)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	shots := os.Getenv("FINESSE_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	shots, _ = filepath.Abs(shots)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "browser.mjs", srv.REST, srv.Notify, shots, "gadget")
	cmd.Dir = "../../interop"
	cmd.Env = append(os.Environ(), "CHROMIUM="+chromium, "GADGET=http://"+ln.Addr().String())
	out, err := cmd.CombinedOutput()
	t.Logf("%s", out)
	if err != nil || !strings.Contains(string(out), "PASS gadget") {
		t.Fatalf("browser.mjs gadget: %v", err)
	}
}
