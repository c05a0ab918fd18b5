package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// interopDir holds the third-party client scripts and their package.json.
const interopDir = "../../interop"

// node finds Node.js and installs the interop packages, skipping the test
// when Node is absent, or the npm registry cannot be reached, unless
// FINESSE_REQUIRE_NODE=1 (as in CI).
func node(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("FINESSE_REQUIRE_NODE") == "1" {
			t.Fatal("FINESSE_REQUIRE_NODE=1 but node is not on PATH")
		}
		t.Skip("node is not on PATH")
	}
	if _, err := os.Stat(filepath.Join(interopDir, "node_modules")); err != nil {
		install := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		install.Dir = interopDir
		if out, err := install.CombinedOutput(); err != nil {
			if os.Getenv("FINESSE_REQUIRE_NODE") == "1" {
				t.Fatalf("npm ci: %v\n%s", err, out)
			}
			t.Skipf("skipping: npm ci in interop/ failed (is the npm registry reachable?): %v\n%s", err, out)
		}
	}
	return bin
}

// TestThirdPartyClients drives finessed with @xmpp/client over TCP (with
// STARTTLS against the generated certificate) and WebSocket: sign in,
// presence from finesse, a forbidden subscription, and every state change
// of a REST session arriving with its requestId.
func TestThirdPartyClients(t *testing.T) {
	bin := node(t)
	srv := startServer(t, withNotify())
	services := map[string]string{
		"tcp":       "xmpp://" + srv.xmppAddr,
		"websocket": "ws" + strings.TrimPrefix(srv.url("bosh"), "http") + "/ws",
	}
	for name, service := range services {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, "xmpp-client.mjs", service, srv.url("rest"))
			cmd.Dir = interopDir
			cmd.Env = append(os.Environ(), "NODE_TLS_REJECT_UNAUTHORIZED=0", "NODE_NO_WARNINGS=1")
			out, err := cmd.CombinedOutput()
			if err != nil || !strings.Contains(string(out), "PASS") {
				t.Fatalf("@xmpp/client over %s: %v\n%s", name, err, out)
			}
			t.Logf("%s", out)
		})
	}
}
