package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/config"
	"github.com/finessed/finessed/model"
)

// startServer runs finessed's server on ephemeral loopback ports.
func startServer(t *testing.T, opts options) *server {
	t.Helper()
	srv, err := newServer(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.shutdown(context.Background()); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	return srv
}

func loopback() options {
	return options{restAddr: "127.0.0.1:0", restTLSAddr: "127.0.0.1:0"}
}

func (s *server) url(name string) string {
	for _, l := range s.listeners {
		if l.name == name {
			scheme := "http://"
			if l.tls {
				scheme = "https://"
			}
			return scheme + l.addr
		}
	}
	return ""
}

var insecure = &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}

func call(t *testing.T, method, url, user, body string) (int, string) {
	t.Helper()
	return callWith(t, method, url, user, body, "")
}

// callWith is call with a requestId header (none when empty).
func callWith(t *testing.T, method, url, user, body, requestID string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if requestID != "" {
		req.Header.Set("requestId", requestID)
	}
	if user != "" {
		req.SetBasicAuth(user, "finesse")
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/xml")
	}
	resp, err := insecure.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

func userState(t *testing.T, base, who, id string) model.User {
	t.Helper()
	status, body := call(t, "GET", base+"/finesse/api/User/"+id, who, "")
	if status != 200 {
		t.Fatalf("GET User/%s: %d %s", id, status, body)
	}
	root, err := model.ParseRoot([]byte(body), "User")
	if err != nil {
		t.Fatal(err)
	}
	u, err := model.ParseUser(root)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestREADMEFlow drives the server over real sockets the way the README's
// curl examples do, on both the HTTP and the HTTPS listener.
func TestREADMEFlow(t *testing.T) {
	srv := startServer(t, loopback())
	for _, base := range []string{srv.url("rest"), srv.url("rest-tls")} {
		steps := []struct {
			body, state, reason string
		}{
			{"<User><state>LOGIN</state><extension>3001</extension></User>", "NOT_READY", "-1"},
			{"<User><state>READY</state></User>", "READY", ""},
			{"<User><state>NOT_READY</state><reasonCodeId>2</reasonCodeId></User>", "NOT_READY", "2"},
			{"<User><state>LOGOUT</state><reasonCodeId>4</reasonCodeId></User>", "LOGOUT", "4"},
		}
		for _, s := range steps {
			if status, body := call(t, "PUT", base+"/finesse/api/User/1001", "1001", s.body); status != 202 || body != "" {
				t.Fatalf("%s: %d %q", s.body, status, body)
			}
			if u := userState(t, base, "1001", "1001"); string(u.State) != s.state || u.ReasonCodeID != s.reason {
				t.Fatalf("after %s: state %s reason %q", s.body, u.State, u.ReasonCodeID)
			}
		}
	}
}

func TestSupervisorForcesNotReady(t *testing.T) {
	base := startServer(t, loopback()).url("rest")
	for _, body := range []string{
		"<User><state>LOGIN</state><extension>3006</extension></User>",
		"<User><state>READY</state></User>",
	} {
		if status, _ := call(t, "PUT", base+"/finesse/api/User/1006", "1006", body); status != 202 {
			t.Fatalf("%s: %d", body, status)
		}
	}
	if status, body := call(t, "PUT", base+"/finesse/api/User/1006", "2001", "<User><state>NOT_READY</state></User>"); status != 202 {
		t.Fatalf("force NOT_READY: %d %s", status, body)
	}
	u := userState(t, base, "2001", "1006")
	if u.State != model.StateNotReady || u.ReasonCodeID != "999" {
		t.Fatalf("state %s reason %s, want NOT_READY 999", u.State, u.ReasonCodeID)
	}
}

func TestMetricsAndHealth(t *testing.T) {
	base := startServer(t, loopback()).url("rest")
	call(t, "GET", base+"/finesse/api/SystemInfo", "1001", "")
	if status, body := call(t, "GET", base+"/healthz", "", ""); status != 200 || body != "ok\n" {
		t.Errorf("healthz: %d %q", status, body)
	}
	status, body := call(t, "GET", base+"/metrics", "", "")
	if status != 200 || !strings.Contains(body, `finesse_http_requests_total{method="GET",route="/finesse/api/SystemInfo",status="200"} 1`) {
		t.Errorf("metrics: %d\n%s", status, body)
	}
}

func TestMetricsOnTheirOwnListener(t *testing.T) {
	opts := loopback()
	opts.metricsAddr = "127.0.0.1:0"
	srv := startServer(t, opts)
	if status, _ := call(t, "GET", srv.url("metrics")+"/metrics", "", ""); status != 200 {
		t.Errorf("metrics listener: %d", status)
	}
	if status, _ := call(t, "GET", srv.url("rest")+"/metrics", "", ""); status != 404 {
		t.Errorf("/metrics on the REST listener: %d, want 404", status)
	}
}

func TestEmptyAddressTurnsListenerOff(t *testing.T) {
	srv := startServer(t, options{restAddr: "127.0.0.1:0"})
	if len(srv.listeners) != 1 || srv.url("rest-tls") != "" {
		t.Fatalf("listeners: %+v", srv.listeners)
	}
}

func TestStartFailsCleanlyOnPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	srv, err := newServer(options{restAddr: "127.0.0.1:0", restTLSAddr: busy.Addr().String()})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.start(); err == nil || !strings.Contains(err.Error(), "rest-tls") {
		t.Fatalf("start: %v, want an error naming the listener", err)
	}
}

func TestConfigErrors(t *testing.T) {
	if _, err := newServer(options{configFile: filepath.Join(t.TempDir(), "none.yaml")}); err == nil {
		t.Error("missing config file accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	os.WriteFile(bad, []byte("users:\n  - {id: 'a/b', password: x}\n"), 0o600)
	if _, err := newServer(options{configFile: bad}); err == nil || !strings.Contains(err.Error(), "a/b") {
		t.Errorf("bad username: %v", err)
	}
	if _, err := newServer(options{redisURL: "redis://127.0.0.1:6379/0"}); err == nil {
		t.Error("-redis accepted before the Redis store exists")
	}
}

// A commit waits for one replica behind Sentinel, for none on a plain
// Redis, unless told otherwise.
func TestWaitReplicas(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int
	}{
		{[]string{"-redis", "redis://127.0.0.1:6379/0"}, 0},
		{[]string{"-redis-sentinel", "127.0.0.1:26379", "-redis-master", "m"}, 1},
		{[]string{"-redis-sentinel", "127.0.0.1:26379", "-redis-master", "m", "-redis-wait-replicas", "0"}, 0},
		{[]string{"-redis", "redis://127.0.0.1:6379/0", "-redis-wait-replicas", "2"}, 2},
	} {
		o, err := parseFlags(c.args, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.waitReplicas(); got != c.want || !o.shared() {
			t.Errorf("%v: waits for %d replicas (shared %v), want %d", c.args, got, o.shared(), c.want)
		}
	}
	if _, _, err := redisClient(options{redisSentinels: "127.0.0.1:26379"}); err == nil {
		t.Error("-redis-sentinel without -redis-master accepted")
	}
}

func TestFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	// The demo directory's passwords are published: it is served on
	// loopback unless addresses are given.
	want := options{
		restAddr: "127.0.0.1:8082", restTLSAddr: "127.0.0.1:8445", boshAddr: "127.0.0.1:7071", boshTLSAddr: "127.0.0.1:7443",
		xmppAddr: "127.0.0.1:5222", maxConns: 10000, bodyTimeout: 30 * time.Second, maxBOSH: 50000, maxBOSHAddr: 1000, logFormat: "text",
		redisWait: -1, redisWaitFor: 100 * time.Millisecond, eventLogMB: 32, gcHeadroomMB: defaultGCHeadroomMB,
	}
	if o != want {
		t.Errorf("defaults %+v, want %+v", o, want)
	}
	if exposed := o.exposed(); len(exposed) != 0 {
		t.Errorf("defaults exposed %v beyond loopback", exposed)
	}
	o, err = parseFlags([]string{"-rest-addr", ":18081", "-xmpp-addr", "", "-metrics-addr", ":9090"}, io.Discard)
	if err != nil || o.restAddr != ":18081" || o.xmppAddr != "" || o.metricsAddr != ":9090" || o.boshAddr != "127.0.0.1:7071" {
		t.Errorf("given addresses with the demo directory: %+v %v, want them as given and the rest on loopback", o, err)
	}
	if got := o.exposed(); !slices.Equal(got, []string{"-metrics-addr :9090", "-rest-addr :18081"}) {
		t.Errorf("exposed %v", got)
	}
	o, err = parseFlags([]string{"-config", "finesse.yaml"}, io.Discard)
	if err != nil || o.restAddr != ":8082" || o.xmppAddr != ":5222" || o.boshTLSAddr != ":7443" {
		t.Errorf("with -config: %+v %v, want every interface", o, err)
	}
	o, err = parseFlags([]string{"-rest-tls-addr", "", "-log-level", "debug"}, io.Discard)
	if err != nil || o.restTLSAddr != "" || o.logLevel.String() != "DEBUG" {
		t.Errorf("%+v %v", o, err)
	}
	if _, err := parseFlags([]string{"extra"}, io.Discard); err == nil {
		t.Error("stray argument accepted")
	}
	if _, err := parseFlags([]string{"-body-timeout", "0"}, io.Discard); err == nil {
		t.Error("-body-timeout 0 accepted")
	}
	if _, err := parseFlags([]string{"-event-log-mb", "0"}, io.Discard); err == nil {
		t.Error("-event-log-mb 0 accepted")
	}
	if o, err := parseFlags([]string{"-log-format", "json"}, io.Discard); err != nil || o.logFormat != "json" {
		t.Errorf("-log-format json: %+v %v", o, err)
	}
	if _, err := parseFlags([]string{"-log-format", "xml"}, io.Discard); err == nil {
		t.Error("-log-format xml accepted")
	}
}

// TestConfiguredCertificate serves HTTPS with a certificate named in the
// config file instead of a generated one.
func TestConfiguredCertificate(t *testing.T) {
	cert, err := selfSigned()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	keyDER, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600)
	cfg := append(config.DemoYAML(), []byte("tls: {certFile: "+certFile+", keyFile: "+keyFile+"}\n")...)
	path := filepath.Join(dir, "finesse.yaml")
	os.WriteFile(path, cfg, 0o600)

	opts := loopback()
	opts.configFile = path
	srv := startServer(t, opts)
	conn, err := tls.Dial("tcp", strings.TrimPrefix(srv.url("rest-tls"), "https://"), &tls.Config{InsecureSkipVerify: true})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if got := conn.ConnectionState().PeerCertificates[0].Raw; !bytes.Equal(got, cert.Certificate[0]) {
		t.Fatal("the server did not present the configured certificate")
	}

	os.WriteFile(keyFile, []byte("not a key"), 0o600)
	if _, err := newServer(opts); err == nil {
		t.Fatal("a broken key file was accepted")
	}
}
