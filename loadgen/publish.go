package loadgen

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// PublishSpec turns a run into publisher mode, for measuring another XMPP
// server (Prosody, ejabberd) the way we measure ours: instead of agents
// changing state over REST, one publisher session publishes XEP-0060
// items to Node on Service at the run's rate, each item carrying the
// escaped text of a User Update with the requestId load-N, so the
// sessions count receipts, latency and losses exactly as in a REST run.
// Every session of the run subscribes to Node (set its Subscribe to it).
type PublishSpec struct {
	Service   string // the pubsub service's JID, e.g. pubsub.localhost
	Node      string
	Publisher string // the user who publishes (and creates the node)
	// Register, when true, registers every session's user and the
	// publisher in-band (XEP-0077) before the run; "already registered" is
	// no error.
	Register bool
}

// PublishItem is the escaped text every item carries: a User Update as
// finessed notifies it (indented, escaped once), with %s for the
// requestId.
const PublishItem = `&lt;Update&gt;
  &lt;data&gt;
    &lt;user&gt;
      &lt;dialogs&gt;/finesse/api/User/1001/Dialogs&lt;/dialogs&gt;
      &lt;extension&gt;3001&lt;/extension&gt;
      &lt;firstName&gt;Alice&lt;/firstName&gt;
      &lt;lastName&gt;Adams&lt;/lastName&gt;
      &lt;loginId&gt;1001&lt;/loginId&gt;
      &lt;loginName&gt;agent1&lt;/loginName&gt;
      &lt;mediaType&gt;1&lt;/mediaType&gt;
      &lt;pendingState/&gt;
      &lt;roles&gt;
        &lt;role&gt;Agent&lt;/role&gt;
      &lt;/roles&gt;
      &lt;settings&gt;
        &lt;wrapUpOnIncoming&gt;OPTIONAL&lt;/wrapUpOnIncoming&gt;
        &lt;wrapUpOnOutgoing&gt;OPTIONAL&lt;/wrapUpOnOutgoing&gt;
      &lt;/settings&gt;
      &lt;state&gt;READY&lt;/state&gt;
      &lt;stateChangeTime&gt;2026-12-03T18:45:30.791Z&lt;/stateChangeTime&gt;
      &lt;teamId&gt;10&lt;/teamId&gt;
      &lt;teamName&gt;Sales&lt;/teamName&gt;
      &lt;uri&gt;/finesse/api/User/1001&lt;/uri&gt;
      &lt;wrapUpTimer&gt;60&lt;/wrapUpTimer&gt;
    &lt;/user&gt;
  &lt;/data&gt;
  &lt;event&gt;PUT&lt;/event&gt;
  &lt;requestId&gt;%s&lt;/requestId&gt;
  &lt;source&gt;/finesse/api/User/1001&lt;/source&gt;
&lt;/Update&gt;
`

// publishStanza is the iq that publishes item seq to node on service.
func publishStanza(service, node string, seq int) string {
	return "<iq type='set' id='p" + strconv.Itoa(seq) + "' to='" + service +
		"'><pubsub xmlns='http://jabber.org/protocol/pubsub'><publish node='" + xmlAttr(node) +
		"'><item><notification xmlns='urn:xmpp:push:0'>" + fmt.Sprintf(PublishItem, requestID(seq)) +
		"</notification></item></publish></pubsub></iq>"
}

// createStanza is the iq that creates node on service.
func createStanza(service, node string) string {
	return "<iq type='set' id='create' to='" + service + "'><pubsub xmlns='http://jabber.org/protocol/pubsub'><create node='" +
		xmlAttr(node) + "'/></pubsub></iq>"
}

var attrEscaper = strings.NewReplacer("&", "&amp;", "'", "&apos;", "<", "&lt;", ">", "&gt;")

// xmlAttr escapes s for a single-quoted attribute value.
func xmlAttr(s string) string { return attrEscaper.Replace(s) }

// publisher is the session that publishes: it writes items and reads the
// server's answers, each an iq of id pN, result or error.
type publisher struct {
	s       *rawSession
	service string
	node    string
	mu      sync.Mutex // serialises writes
	pending atomic.Int64
	errs    atomic.Int64
	// answered is called for each answer to a publish: seq and whether the
	// server accepted it.
	answered func(seq int, ok bool)
	lastErr  atomic.Value // string
	done     chan struct{}
}

// dialPublisher signs the publisher in over TCP and creates the node,
// which may exist already.
func dialPublisher(ctx context.Context, addr, domain, user, password, service, node string, startTLS *tls.Config) (*publisher, error) {
	s, err := dialRaw(ctx, addr, domain, user, password, "publisher", readyOther, startTLS)
	if err != nil {
		return nil, err
	}
	s.conn.SetDeadline(time.Now().Add(30 * time.Second))
	if _, err := io.WriteString(s.conn, createStanza(service, node)); err != nil {
		s.conn.Close()
		return nil, err
	}
	got, err := s.readIQ("create")
	if err == nil && strings.Contains(got, "error") && !strings.Contains(got, "conflict") {
		err = fmt.Errorf("create node %s refused: %s", node, got)
	}
	if err != nil {
		s.conn.Close()
		return nil, err
	}
	s.conn.SetDeadline(time.Time{})
	return &publisher{s: s, service: service, node: node, done: make(chan struct{})}, nil
}

// start begins reading the answers.
func (p *publisher) start(answered func(seq int, ok bool)) {
	p.answered = answered
	go func() {
		defer close(p.done)
		p.readAnswers(p.s.r)
	}()
}

// publish sends item seq; its answer comes to answered.
func (p *publisher) publish(seq int) error {
	stanza := publishStanza(p.service, p.node, seq)
	p.pending.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.s.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	_, err := io.WriteString(p.s.conn, stanza)
	if err != nil {
		p.pending.Add(-1)
	}
	return err
}

// iqTag is an iq's start tag.
var iqTag = regexp.MustCompile(`<iq\b[^>]*>`)
var (
	idAttr   = regexp.MustCompile(`\bid=['"]p(\d+)['"]`)
	typeAttr = regexp.MustCompile(`\btype=['"](\w+)['"]`)
)

// readAnswers reads until the connection ends, reporting each answer to
// a publish.
func (p *publisher) readAnswers(r io.Reader) {
	var buf []byte
	chunk := make([]byte, 16<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		buf = p.scanAnswers(buf)
		if err != nil {
			return
		}
	}
}

// scanAnswers reports every complete iq start tag in buf and returns the
// unscanned tail.
func (p *publisher) scanAnswers(buf []byte) []byte {
	for {
		i := bytes.Index(buf, []byte("<iq"))
		if i < 0 {
			keep := max(len(buf)-2, 0)
			return append(buf[:0], buf[keep:]...)
		}
		j := bytes.IndexByte(buf[i:], '>')
		if j < 0 {
			return append(buf[:0], buf[i:]...)
		}
		tag := buf[i : i+j+1]
		buf = buf[i+j+1:]
		id := idAttr.FindSubmatch(tag)
		if id == nil {
			continue
		}
		seq, err := strconv.Atoi(string(id[1]))
		if err != nil {
			continue
		}
		ok := false
		if t := typeAttr.FindSubmatch(tag); t != nil && string(t[1]) == "result" {
			ok = true
		}
		if !ok {
			p.errs.Add(1)
			end := bytes.Index(buf, []byte("</iq>"))
			if end >= 0 {
				p.lastErr.Store(string(tag) + string(buf[:end]))
			} else {
				p.lastErr.Store(string(tag))
			}
		}
		p.pending.Add(-1)
		if p.answered != nil {
			p.answered(seq, ok)
		}
	}
}

func (p *publisher) close() {
	p.s.close()
	<-p.done
}

// readIQ reads until the answer to the iq of id has been read whole and
// returns what was read.
func (s *rawSession) readIQ(id string) (string, error) {
	tag := regexp.MustCompile(`<iq\b[^>]*\bid=['"]` + regexp.QuoteMeta(id) + `['"][^>]*>`)
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		text := b.String()
		if loc := tag.FindStringIndex(text); loc != nil {
			if strings.HasSuffix(text[loc[0]:loc[1]], "/>") || strings.Contains(text[loc[1]:], "</iq>") {
				return text[loc[0]:], nil
			}
		}
		n, err := s.r.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			return b.String(), err
		}
	}
}

// readiness is how a session ends its sign-in: available, waiting for
// presence from finesse (finessed) or for a ping's answer (another XMPP
// server); or bound only, its initial presence sent later by available.
type readiness int

const (
	readyFinesse readiness = iota
	readyOther
	readyLater
)

// readyStep is what a session sends after binding, stanza by stanza, and
// what it waits for: finessed answers initial presence with its own
// presence from finesse@domain; another server may answer nothing, so
// there the presence is followed by a ping to the domain, whose answer
// says the presence went in first. A session ready later sends nothing.
func readyStep(domain string, ready readiness, ns string) (send []string, until string) {
	presence := "<presence" + ns + "/>"
	switch ready {
	case readyFinesse:
		return []string{presence}, "finesse@" + domain
	case readyOther:
		return []string{presence, "<iq type='get' id='ready-ping' to='" + domain + "'" + ns + "><ping xmlns='urn:xmpp:ping'/></iq>"}, "ready-ping"
	}
	return nil, ""
}

// register registers user in-band (XEP-0077) over TCP at addr; a user
// that exists already is no error.
func register(ctx context.Context, addr, domain, user, password string, startTLS *tls.Config) error {
	s, err := openStream(ctx, addr, domain, startTLS)
	if err != nil {
		return err
	}
	defer s.conn.Close()
	_, err = fmt.Fprintf(s.conn, "<iq type='set' id='reg' to='%s'><query xmlns='jabber:iq:register'><username>%s</username><password>%s</password></query></iq>",
		domain, user, password)
	if err != nil {
		return err
	}
	got, err := s.readIQ("reg")
	if err != nil {
		return fmt.Errorf("register %s: %w", user, err)
	}
	if t := typeAttr.FindStringSubmatch(got); t == nil || t[1] != "result" {
		if !strings.Contains(got, "conflict") {
			return fmt.Errorf("register %s refused: %s", user, got)
		}
	}
	io.WriteString(s.conn, "</stream:stream>")
	return nil
}

// registerAll registers users in-band, a few at a time.
func registerAll(ctx context.Context, addr, domain, password string, users []string, startTLS *tls.Config) error {
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		first  error
		failed int
	)
	slots := make(chan struct{}, 16)
	for _, u := range users {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			if err := register(ctx, addr, domain, u, password, startTLS); err != nil {
				mu.Lock()
				failed++
				if first == nil {
					first = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if first != nil {
		return fmt.Errorf("%d of %d registrations failed, the first: %w", failed, len(users), first)
	}
	return nil
}

// agentsToSignIn are the agents a run signs in over REST: none in
// publisher mode.
func (r *run) agentsToSignIn() []AgentSpec {
	if r.cfg.Publish != nil {
		return nil
	}
	return r.cfg.Agents
}

// setUpPublisher registers the users when asked, then signs the publisher
// in and creates the node, before any session subscribes to it.
func (r *run) setUpPublisher(ctx context.Context, progress io.Writer) error {
	p := r.cfg.Publish
	if p.Register {
		users := []string{p.Publisher}
		for _, s := range r.cfg.Sessions {
			users = append(users, s.User)
		}
		if err := registerAll(ctx, r.cfg.XMPP, r.cfg.Domain, r.cfg.Password, users, r.cfg.startTLS()); err != nil {
			return err
		}
		fmt.Fprintf(progress, "%d users registered\n", len(users))
	}
	pub, err := dialPublisher(ctx, r.cfg.XMPP, r.cfg.Domain, p.Publisher, r.cfg.Password, r.cfg.pubsubService(), p.Node, r.cfg.startTLS())
	if err != nil {
		return fmt.Errorf("publisher: %w", err)
	}
	r.pub = pub
	pub.start(func(seq int, ok bool) {
		at, known := r.track.sentAt(seq)
		if !known {
			return // not an item of this run
		}
		if !ok {
			r.failed.Add(1)
			r.track.refused(seq)
			return
		}
		r.accepted.Add(1)
		r.track.accepted(seq, time.Since(at))
	})
	return nil
}

// publishAt publishes item seq, filed with the tracker first.
func (r *run) publishAt(seq int) {
	r.track.sent(seq, 0, time.Now())
	if err := r.pub.publish(seq); err != nil {
		r.failed.Add(1)
		r.track.refused(seq)
	}
}

// unanswered is how many publishes the server has not answered yet.
func (r *run) unanswered() int64 {
	if r.pub == nil {
		return 0
	}
	return r.pub.pending.Load()
}
