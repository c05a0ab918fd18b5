package main

import (
	"io"
	"net"
	"os"
	"slices"
	"testing"
)

// -publish-node turns finesse load into publisher mode: one session per
// subscriber user, numbered from the prefix, each subscribed to the node
// on the default service, and no REST agents; the server measured is the
// process that listens on -xmpp's port (here, the test).
func TestLoadPublishFlags(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	f, err := parseLoad([]string{"-publish-node", "/n", "-sessions", "3", "-user-prefix", "u", "-transport", "mix",
		"-xmpp", ln.Addr().String(), "-register"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := f.config()
	if err != nil {
		t.Fatal(err)
	}
	p := cfg.Publish
	if p == nil || p.Node != "/n" || p.Service != "pubsub.localhost" || p.Publisher != "publisher" || !p.Register {
		t.Fatalf("publish spec %+v", p)
	}
	var users, transports []string
	for _, s := range cfg.Sessions {
		users, transports = append(users, s.User), append(transports, s.Transport)
		if !slices.Equal(s.Subscribe, []string{"/n"}) {
			t.Errorf("session of %s subscribes to %v", s.User, s.Subscribe)
		}
	}
	if !slices.Equal(users, []string{"u0001", "u0002", "u0003"}) || !slices.Equal(transports, []string{"tcp", "bosh", "websocket"}) {
		t.Errorf("sessions %v over %v", users, transports)
	}
	if len(cfg.Agents) != 0 || cfg.ServerPID != os.Getpid() {
		t.Errorf("agents %v and server pid %d in publisher mode, want none and %d", cfg.Agents, cfg.ServerPID, os.Getpid())
	}
}

func TestLoadPublishRefusesRemoteTargets(t *testing.T) {
	for _, args := range [][]string{
		{"-publish-node", "/n", "-xmpp", "192.0.2.1:5222"},
		{"-publish-node", "/n", "-bosh", "http://example.com/http-bind"},
		{"-publish-node", "/n", "-sessions", "0"},
	} {
		f, err := parseLoad(args, io.Discard)
		if err == nil {
			_, err = f.config()
		}
		if err == nil {
			t.Errorf("load %q was accepted", args)
		}
	}
}
