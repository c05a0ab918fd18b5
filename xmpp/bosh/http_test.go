package bosh

import (
	"net/http"
	"strings"
	"testing"
)

func TestMethods(t *testing.T) {
	e := newEnv(t, nil)
	resp, err := http.Get(e.srv.URL + "/http-bind")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET: %d", resp.StatusCode)
	}

	req, _ := http.NewRequest(http.MethodOptions, e.srv.URL+"/http-bind/", nil)
	req.Header.Set("Origin", "https://gadgets.example")
	req.Header.Set("Access-Control-Request-Method", "POST")
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Methods": "POST, OPTIONS",
		"Access-Control-Allow-Headers": "Content-Type",
	}
	for k, v := range want {
		if got := resp.Header.Get(k); got != v {
			t.Errorf("OPTIONS %s = %q, want %q", k, got, v)
		}
	}
	if resp.StatusCode != http.StatusOK {
		t.Errorf("OPTIONS: %d", resp.StatusCode)
	}
}

func TestBothPaths(t *testing.T) {
	e := newEnv(t, nil)
	for _, path := range []string{"/http-bind", "/http-bind/"} {
		c := e.client(path)
		c.create("")
		res := c.post(c.wrap(c.nextRID(), "", plain("1001", "finesse")))
		if res.err != nil || res.body.SelectElement("success") == nil {
			t.Fatalf("%s: %q %v", path, res.raw, res.err)
		}
		if ct := res.header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		if o := res.header.Get("Access-Control-Allow-Origin"); o != "*" {
			t.Errorf("%s: Access-Control-Allow-Origin %q", path, o)
		}
	}
}

func TestCreationErrors(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	if res := c.post("<body to='localhost' xmlns='" + NSHTTPBind + "'/>"); res.status != http.StatusBadRequest {
		t.Errorf("no rid: %d %q", res.status, res.raw)
	}
	if res := c.post("<body rid='x' to='localhost' xmlns='" + NSHTTPBind + "'/>"); res.status != http.StatusBadRequest {
		t.Errorf("bad rid: %d %q", res.status, res.raw)
	}
	res := c.post("<body rid='1' to='example.com' xmlns='" + NSHTTPBind + "'/>")
	if res.err != nil || res.body.SelectAttrValue("type", "") != "terminate" || res.body.SelectAttrValue("condition", "") != "host-unknown" {
		t.Errorf("unknown host: %d %q %v", res.status, res.raw, res.err)
	}
	if res := c.post("<iq rid='1' to='localhost' xmlns='" + NSHTTPBind + "'/>"); res.status != http.StatusBadRequest {
		t.Errorf("not a body: %d %q", res.status, res.raw)
	}
	// A client's wait and hold are capped.
	b := c.post("<body rid='1' to='localhost' wait='3600' hold='9' xmlns='" + NSHTTPBind + "'/>").body
	if b.SelectAttrValue("wait", "") != "2" || b.SelectAttrValue("hold", "") != "2" || b.SelectAttrValue("requests", "") != "3" {
		t.Errorf("caps: %s", render(b))
	}
}

func TestMalformedBody(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	if res := c.post("<body rid='1' xmlns='" + NSHTTPBind + "'><iq></body>"); res.status != http.StatusBadRequest {
		t.Errorf("malformed without a session: %d %q", res.status, res.raw)
	}
	c.create("")
	res := c.post(c.wrap(c.nextRID(), "", "<iq>"))
	if res.err != nil || res.body.SelectAttrValue("type", "") != "terminate" || res.body.SelectAttrValue("condition", "") != "bad-request" {
		t.Fatalf("malformed: %d %q %v", res.status, res.raw, res.err)
	}
	if b := c.send("", ""); b.SelectAttrValue("condition", "") != "item-not-found" {
		t.Fatalf("after bad-request: %s", render(b))
	}
	// Without a rid, an existing session ends with bad-request too.
	c = e.client("/http-bind")
	c.create("")
	res = c.post("<body sid='" + c.sid + "' xmlns='" + NSHTTPBind + "'/>")
	if res.err != nil || res.body.SelectAttrValue("condition", "") != "bad-request" {
		t.Fatalf("no rid: %d %q %v", res.status, res.raw, res.err)
	}
}

func TestBodyTooLarge(t *testing.T) {
	e := newEnv(t, nil)
	c := e.client("/http-bind")
	big := "<message to='x'><body>" + strings.Repeat("x", MaxBody) + "</body></message>"
	if res := c.post("<body rid='1' to='localhost' xmlns='" + NSHTTPBind + "'>" + big + "</body>"); res.status != http.StatusBadRequest {
		t.Errorf("too large without a session: %d", res.status)
	}
	c.login("1001", "desk")
	res := c.post(c.wrap(c.nextRID(), "", big))
	if res.err != nil || res.body.SelectAttrValue("type", "") != "terminate" || res.body.SelectAttrValue("condition", "") != "policy-violation" {
		t.Fatalf("too large: %d %.200q %v", res.status, res.raw, res.err)
	}
	if e.session(c.sid) != nil {
		t.Fatal("the session outlived its termination")
	}
}

func TestMaxSessions(t *testing.T) {
	e := newEnv(t, func(h *Handler) { h.MaxSessions = 1 })
	e.client("/http-bind").create("")
	res := e.client("/http-bind").post("<body rid='1' to='localhost' xmlns='" + NSHTTPBind + "'/>")
	if res.err != nil || res.body.SelectAttrValue("condition", "") != "policy-violation" {
		t.Fatalf("over the cap: %q %v", res.raw, res.err)
	}
}
