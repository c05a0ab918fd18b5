package xmpp

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

// sessionLog collects what the default logger writes, as JSON lines with
// msg "session opened" or "session closed", until the test ends.
type sessionLog struct {
	t   *testing.T
	buf bytes.Buffer
}

func logSessions(t *testing.T) *sessionLog {
	l := &sessionLog{t: t}
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&l.buf, nil)))
	t.Cleanup(func() { slog.SetDefault(old) })
	return l
}

// take returns the session lines logged since the last take.
func (l *sessionLog) take() []map[string]string {
	l.t.Helper()
	var out []map[string]string
	for _, line := range strings.Split(strings.TrimSpace(l.buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			l.t.Fatalf("not a JSON line: %q", line)
		}
		if m["msg"] != "session opened" && m["msg"] != "session closed" {
			continue
		}
		s := map[string]string{}
		for k, v := range m {
			if str, ok := v.(string); ok {
				s[k] = str
			}
		}
		out = append(out, s)
	}
	l.buf.Reset()
	return out
}

// TestSessionLog: a session's opening and its end are one line each,
// naming the user, JID, transport and remote address, and the end why:
// replaced by a session under the same JID, too slow, or its connection.
func TestSessionLog(t *testing.T) {
	e := newEnv(t, demoConfig(t), Options{})
	log := logSessions(t)
	first := e.open("1001", "desk")
	second := e.open("1001", "desk")
	second.sess.closeSlow()
	third := e.open("1001", "other")
	third.sess.CloseFor("connection lost: reset")
	first.sess.Close() // already closed: nothing more
	lines := log.take()
	want := []struct{ msg, level, reason string }{
		{"session opened", "INFO", ""},
		{"session closed", "INFO", "conflict: replaced by a new session with the same resource"},
		{"session opened", "INFO", ""},
		{"session closed", "WARN", "policy-violation: the client is not reading its notifications fast enough; 1 stanzas dropped"},
		{"session opened", "INFO", ""},
		{"session closed", "INFO", "connection lost: reset"},
	}
	if len(lines) != len(want) {
		t.Fatalf("logged %v, want %d lines", lines, len(want))
	}
	for i, l := range lines {
		w := want[i]
		if l["msg"] != w.msg || l["level"] != w.level || l["reason"] != w.reason || l["user"] != "1001" ||
			!strings.HasPrefix(l["jid"], "1001@localhost/") || l["transport"] != "test" || l["remote"] != "192.0.2.1:5000" {
			t.Errorf("line %d: %v, want %s at %s, reason %q, with user, jid, transport and remote", i, l, w.msg, w.level, w.reason)
		}
		if w.msg == "session closed" && l["lasted"] == "" {
			t.Errorf("line %d: %v, want how long the session lasted", i, l)
		}
	}
}
