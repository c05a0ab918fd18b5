package loadgen

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
)

// boshSession is the load generator's BOSH client (XEP-0124/0206), raw like
// rawSession: one request in flight at a time (hold=1), responses scanned as
// text.
type boshSession struct {
	url    string
	client *http.Client
	raw    *boshHTTP // plain http://: the client is not used
	sid    string
	rid    atomic.Int64
	jid    string
	closed atomic.Bool
	// early is the answer to the presence of the sign-in, which may carry
	// notifications after presence from finesse.
	early string
}

const nsHTTPBind = "http://jabber.org/protocol/httpbind"

var sidAttr = regexp.MustCompile(`sid=['"]([^'"]+)['"]`)

// dialBOSH signs user in over BOSH at url (http://host:7071/http-bind) and
// makes the session available; with raw, a plain http:// URL is posted to
// without client (boshHTTP).
func dialBOSH(ctx context.Context, client *http.Client, raw bool, url, domain, user, password, resource string, ready readiness) (*boshSession, error) {
	s := &boshSession{url: url, client: client}
	if raw {
		s.raw = newBOSHHTTP(url)
	}
	s.rid.Store(int64(1_000_000 + time.Now().UnixNano()%1_000_000))
	if err := s.negotiate(ctx, domain, user, password, resource, ready); err != nil {
		return nil, fmt.Errorf("sign in %s/%s over BOSH: %w", user, resource, err)
	}
	return s, nil
}

func (s *boshSession) negotiate(ctx context.Context, domain, user, password, resource string, ready readiness) error {
	created, err := s.post(ctx, fmt.Sprintf("<body rid='%d' to='%s' xml:lang='en' wait='60' hold='1' ver='1.6' xmpp:version='1.0' xmlns:xmpp='urn:xmpp:xbosh' xmlns='%s'/>",
		s.rid.Load(), domain, nsHTTPBind))
	if err != nil {
		return err
	}
	m := sidAttr.FindStringSubmatch(created)
	if m == nil {
		return fmt.Errorf("no sid in %s", created)
	}
	s.sid = m[1]
	if !strings.Contains(created, "mechanisms") {
		if _, err := s.waitFor(ctx, "", "mechanisms"); err != nil {
			return err
		}
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00" + user + "\x00" + password))
	presence, readyUntil := readyStep(domain, ready, " xmlns='jabber:client'")
	steps := []struct{ payload, until string }{
		{"<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>" + plain + "</auth>", "success"},
		{"", "bind"}, // the restart, answered with the features
		{"<iq type='set' id='bind' xmlns='jabber:client'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>" + resource + "</resource></bind></iq>", "</iq>"},
		{strings.Join(presence, ""), readyUntil},
	}
	for i, st := range steps {
		restart := i == 1
		if st.payload == "" && !restart {
			continue // ready later: no presence yet
		}
		got, err := s.exchange(ctx, st.payload, restart, st.until)
		if err != nil {
			return err
		}
		s.early = got
		if strings.Contains(got, "failure") || strings.Contains(got, "terminate") {
			return fmt.Errorf("refused: %s", got)
		}
	}
	s.jid = user + "@" + domain + "/" + resource
	return nil
}

// exchange sends payload (restart: a stream restart) and polls until
// marker has been seen in the responses.
func (s *boshSession) exchange(ctx context.Context, payload string, restart bool, marker string) (string, error) {
	attrs := ""
	if restart {
		attrs = " xmpp:restart='true' xmlns:xmpp='urn:xmpp:xbosh' to='localhost'"
	}
	got, err := s.post(ctx, s.body(attrs, payload))
	if err != nil || strings.Contains(got, marker) {
		return got, err
	}
	more, err := s.waitFor(ctx, got, marker)
	return more, err
}

// waitFor sends empty requests until marker appears.
func (s *boshSession) waitFor(ctx context.Context, seen, marker string) (string, error) {
	for !strings.Contains(seen, marker) {
		got, err := s.post(ctx, s.body("", ""))
		if err != nil {
			return seen, err
		}
		if strings.Contains(got, "type='terminate'") || strings.Contains(got, `type="terminate"`) {
			return seen + got, fmt.Errorf("terminated: %s", got)
		}
		seen += got
	}
	return seen, nil
}

func (s *boshSession) body(attrs, payload string) string {
	return fmt.Sprintf("<body rid='%d' sid='%s'%s xmlns='%s'>%s</body>", s.rid.Add(1), s.sid, attrs, nsHTTPBind, payload)
}

func (s *boshSession) post(ctx context.Context, body string) (string, error) {
	if s.raw != nil {
		return s.raw.post(ctx, body)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "text/xml; charset=utf-8")
	resp, err := s.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return string(data), fmt.Errorf("HTTP %s: %s", resp.Status, data)
	}
	return string(data), err
}

// subscribe subscribes the user's bare JID to node on service.
func (s *boshSession) subscribe(service, node string) error {
	bare, _, _ := strings.Cut(s.jid, "/")
	got, err := s.exchange(context.Background(), fmt.Sprintf("<iq type='set' id='sub' to='%s' xmlns='jabber:client'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscribe node='%s' jid='%s'/></pubsub></iq>", service, node, bare), false, "</iq>")
	if err == nil && !strings.Contains(got, "subscribed") {
		err = fmt.Errorf("subscribe %s refused: %s", node, got)
	}
	return err
}

// receive long-polls until the session is closed, reporting requestIds.
func (s *boshSession) receive(found func(requestID string)) error {
	scanRequestIDs([]byte(s.early), found)
	for !s.closed.Load() {
		got, err := s.post(context.Background(), s.body("", ""))
		if err != nil {
			return err
		}
		scanRequestIDs([]byte(got), found)
		if strings.Contains(got, "terminate") {
			return nil
		}
	}
	return nil
}

// available sends the initial presence; what the answer carries goes to
// found, as the long poll's would.
func (s *boshSession) available(found func(requestID string)) error {
	got, err := s.post(context.Background(), s.body("", "<presence xmlns='jabber:client'/>"))
	scanRequestIDs([]byte(got), found)
	return err
}

// leave ends the session as a desktop that closes does, reading what the
// answer to its terminate request still carries.
func (s *boshSession) leave(found func(requestID string)) {
	s.closed.Store(true)
	if s.raw != nil {
		defer s.raw.close()
	}
	got, _ := s.post(context.Background(), s.body(" type='terminate'", "<presence type='unavailable' xmlns='jabber:client'/>"))
	scanRequestIDs([]byte(got), found)
}

func (s *boshSession) close() {
	s.closed.Store(true)
	if s.raw != nil {
		defer s.raw.close()
	}
	s.post(context.Background(), fmt.Sprintf("<body rid='%d' sid='%s' type='terminate' xmlns='%s'><presence type='unavailable' xmlns='jabber:client'/></body>", s.rid.Add(1), s.sid, nsHTTPBind))
}
