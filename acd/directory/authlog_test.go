package directory_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"

	"github.com/finessed/finessed/acd/directory"
)

// logTo makes the default logger write JSON lines to a buffer until the
// test ends.
func logTo(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return &buf
}

// logLines decodes the JSON lines logged, leaving out time and level.
func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("not a JSON line: %q", l)
		}
		delete(m, "time")
		lines = append(lines, m)
	}
	buf.Reset()
	return lines
}

// TestSignInLog: each refused sign-in is one line saying who and why,
// carrying what the caller put in the context; the attempt that locks
// the account adds one line saying so; a right password logs nothing.
func TestSignInLog(t *testing.T) {
	buf := logTo(t)
	a, _ := newAuth(t, demoConfig(t))
	ctx := directory.WithLogAttrs(context.Background(), slog.String("transport", "tcp"), slog.String("remote", "192.0.2.1:4000"))
	signIn := func(name, password string) {
		if _, err := a.AuthenticateContext(ctx, name, password); err == nil {
			t.Fatalf("%s signed in with %q", name, password)
		}
	}
	if _, err := a.AuthenticateContext(ctx, "agent1", "finesse"); err != nil {
		t.Fatal(err)
	}
	signIn("nobody", "x")
	signIn("a/b", "x")
	for range 4 {
		signIn("agent1", "wrong")
	}
	lines := logLines(t, buf)
	want := []string{"unknown user nobody", "malformed username a/b", "wrong password 1001", "wrong password 1001", "wrong password 1001", "wrong password 1001"}
	if len(lines) != len(want) {
		t.Fatalf("logged %v, want %d lines", lines, len(want))
	}
	for i, l := range lines {
		if l["level"] != "WARN" || l["msg"] != "sign-in refused" || l["reason"].(string)+" "+l["user"].(string) != want[i] ||
			l["transport"] != "tcp" || l["remote"] != "192.0.2.1:4000" {
			t.Errorf("line %d: %v, want a refusal: %s, with transport and remote", i, l, want[i])
		}
	}

	signIn("agent1", "wrong")
	lines = logLines(t, buf)
	if len(lines) != 2 || lines[0]["reason"] != "wrong password" ||
		lines[1]["msg"] != "account locked after repeated wrong passwords" || lines[1]["user"] != "1001" ||
		lines[1]["attempts"] != float64(5) || lines[1]["for"] != "5m0s" || lines[1]["remote"] != "192.0.2.1:4000" {
		t.Fatalf("the fifth wrong password logged %v, want the refusal and the lock", lines)
	}
	signIn("agent1", "finesse")
	if lines = logLines(t, buf); len(lines) != 1 || lines[0]["reason"] != "account locked" {
		t.Fatalf("a sign-in while locked logged %v, want one refusal: account locked", lines)
	}
}

type fixedSource []slog.Attr

func (f fixedSource) LogAttrs() []slog.Attr { return f }

// A LogSource's attributes join those given directly, asked for only when
// a line is built.
func TestLogSource(t *testing.T) {
	ctx := directory.WithLogAttrs(context.Background(), slog.String("transport", "tcp"))
	ctx = directory.WithLogSource(ctx, fixedSource{slog.String("remote", "192.0.2.1:5555")})
	got := directory.LogAttrs(ctx)
	if len(got) != 2 || got[0].Key != "transport" || got[1].Value.String() != "192.0.2.1:5555" {
		t.Fatalf("LogAttrs = %v", got)
	}
}
