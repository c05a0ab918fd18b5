package loadgen

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// An item carries the escaped Update the scanner looks for, once, and is
// the size of one of finessed's User notifications.
func TestPublishStanza(t *testing.T) {
	stanza := publishStanza("pubsub.localhost", "/finesse/api/Team/1/Users", 42)
	for _, want := range []string{"<iq type='set' id='p42' to='pubsub.localhost'>",
		"<publish node='/finesse/api/Team/1/Users'><item><notification xmlns='urn:xmpp:push:0'>&lt;Update&gt;",
		"</notification></item></publish></pubsub></iq>"} {
		if !strings.Contains(stanza, want) {
			t.Errorf("the stanza lacks %q:\n%s", want, stanza)
		}
	}
	var ids []string
	scanRequestIDs([]byte(stanza), func(id string) { ids = append(ids, id) })
	if len(ids) != 1 || ids[0] != "load-42" {
		t.Errorf("requestIds found: %q, want [load-42]", ids)
	}
	if n := len(stanza); n < 1200 || n > 1600 {
		t.Errorf("stanza of %d bytes, want about 1.4 KB like a User notification", n)
	}
	if strings.Contains(publishStanza("s", "a'b", 0), "node='a'b'") {
		t.Error("the node name is not escaped")
	}
}

// The publisher's reader reports each answer once, by seq, whether the
// tag arrives whole or split, and takes only type='result' for success.
func TestScanAnswers(t *testing.T) {
	stream := "<iq type='result' id='p0' from='pubsub.localhost'/>" +
		"<message><iq-not/></message>" +
		`<iq id="p1" type="error" from="pubsub.localhost"><error type='auth'><forbidden/></error></iq>` +
		"<iq from='pubsub.localhost' type='result' id='p12'><pubsub/></iq>" +
		"<iq type='result' id='ready-ping'/>"
	for split := 1; split < len(stream); split++ {
		got := map[int]bool{}
		p := &publisher{answered: func(seq int, ok bool) {
			if _, dup := got[seq]; dup {
				t.Fatalf("split %d: p%d reported twice", split, seq)
			}
			got[seq] = ok
		}}
		p.pending.Store(3)
		rest := p.scanAnswers([]byte(stream[:split]))
		p.scanAnswers(append(rest, stream[split:]...))
		if len(got) != 3 || !got[0] || got[1] || !got[12] {
			t.Fatalf("split %d: answers %v, want p0 and p12 accepted, p1 refused", split, got)
		}
		if p.pending.Load() != 0 || p.errs.Load() != 1 {
			t.Fatalf("split %d: %d pending, %d errors, want 0 and 1", split, p.pending.Load(), p.errs.Load())
		}
	}
}

// A run in publisher mode against a tiny fake pubsub server: every item
// the server accepts reaches every subscriber once, the one it refuses is
// counted as failed and owed to nobody, and the users were registered.
func TestPublisherModeAgainstFake(t *testing.T) {
	srv := startFakePubsub(t, 2) // refuses item p2
	cfg := Config{
		XMPP: srv.addr, Domain: "localhost", Password: "secret",
		Publish: &PublishSpec{Service: "pubsub.localhost", Node: "/finesse/api/Team/1/Users", Publisher: "publisher", Register: true},
		Rate:    50, Duration: 200 * time.Millisecond, Drain: 5 * time.Second,
	}
	for _, u := range []string{"load0001", "load0002", "load0003"} {
		cfg.Sessions = append(cfg.Sessions, SessionSpec{User: u, Transport: "tcp", Subscribe: []string{cfg.Publish.Node}})
	}
	res, err := Run(context.Background(), cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	res.WriteTable(&table)
	if res.Accepted < 2 || res.Failed != 1 || len(res.Lost) != 0 || res.Duplicates != 0 || res.Unknown != 0 ||
		res.Received != 3*res.Accepted || res.Expected != res.Received {
		t.Errorf("accepted %d, failed %d, received %d of %d, lost %d, duplicated %d, unknown %d:\n%s",
			res.Accepted, res.Failed, res.Received, res.Expected, len(res.Lost), res.Duplicates, res.Unknown, table.String())
	}
	for _, want := range []string{"items published to /finesse/api/Team/1/Users", "publish -> notification, tcp", "a refused publish"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("the table lacks %q:\n%s", want, table.String())
		}
	}
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.registered) != 4 || !srv.created {
		t.Errorf("registered %v, node created %v; want the publisher and 3 subscribers, and the node", srv.registered, srv.created)
	}
}

// fakePubsub is just enough of an XMPP server with a pubsub service for
// the load generator's fixed exchanges: it signs anyone in, creates,
// subscribes, and fans each published item out to the subscribers.
type fakePubsub struct {
	addr   string
	refuse int // the seq of the publish it refuses

	mu          sync.Mutex
	subscribers []net.Conn
	registered  []string
	created     bool
}

func startFakePubsub(t *testing.T, refuse int) *fakePubsub {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakePubsub{addr: ln.Addr().String(), refuse: refuse}
	var conns sync.WaitGroup
	t.Cleanup(func() { ln.Close(); conns.Wait() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Go(func() { f.serve(c) })
		}
	}()
	return f
}

var (
	fakeUnit    = regexp.MustCompile(`^(?s)(<\?xml[^>]*\?>|<stream:stream[^>]*>|</stream:stream>|<auth[^>]*>[^<]*</auth>|<presence/>|<iq\b.*?</iq>)`)
	fakeIQID    = regexp.MustCompile(`^<iq[^>]*\bid='([^']*)'`)
	fakeItemEnd = "</item>"
)

func (f *fakePubsub) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	var buf []byte
	chunk := make([]byte, 8192)
	user, authed := "", false
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			m := fakeUnit.Find(buf)
			if m == nil {
				break
			}
			unit := string(m)
			buf = buf[len(m):]
			reply := ""
			switch {
			case strings.HasPrefix(unit, "<?xml"):
			case strings.HasPrefix(unit, "<stream:stream"):
				reply = "<?xml version='1.0'?><stream:stream from='localhost' id='s' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'><stream:features>"
				if authed {
					reply += "<bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/>"
				} else {
					reply += "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>"
				}
				reply += "</stream:features>"
			case strings.HasPrefix(unit, "<auth"):
				inner := unit[strings.Index(unit, ">")+1 : strings.LastIndex(unit, "<")]
				plain, _ := base64.StdEncoding.DecodeString(inner)
				parts := strings.Split(string(plain), "\x00")
				user, authed = parts[len(parts)-2], true
				reply = "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>"
			case unit == "</stream:stream>", unit == "<presence/>":
			default: // an iq
				id := ""
				if m := fakeIQID.FindStringSubmatch(unit); m != nil {
					id = m[1]
				}
				reply = f.iq(c, user, id, unit)
			}
			if reply != "" {
				if _, err := io.WriteString(c, reply); err != nil {
					return
				}
			}
		}
		if err != nil {
			f.mu.Lock()
			for i, s := range f.subscribers {
				if s == c {
					f.subscribers = append(f.subscribers[:i], f.subscribers[i+1:]...)
					break
				}
			}
			f.mu.Unlock()
			return
		}
	}
}

// iq answers one iq of conn's user.
func (f *fakePubsub) iq(c net.Conn, user, id, iq string) string {
	result := "<iq type='result' id='" + id + "' from='pubsub.localhost'/>"
	switch {
	case strings.Contains(iq, "jabber:iq:register"):
		name := iq[strings.Index(iq, "<username>")+len("<username>") : strings.Index(iq, "</username>")]
		f.mu.Lock()
		f.registered = append(f.registered, name)
		f.mu.Unlock()
	case strings.Contains(iq, "<bind"):
		return "<iq type='result' id='" + id + "'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>" + user + "@localhost/r</jid></bind></iq>"
	case strings.Contains(iq, "<create"):
		f.mu.Lock()
		f.created = true
		f.mu.Unlock()
	case strings.Contains(iq, "<subscribe"):
		f.mu.Lock()
		f.subscribers = append(f.subscribers, c)
		f.mu.Unlock()
		return "<iq type='result' id='" + id + "' from='pubsub.localhost'><pubsub xmlns='http://jabber.org/protocol/pubsub'><subscription subscription='subscribed'/></pubsub></iq>"
	case strings.Contains(iq, "<publish"):
		if id == "p"+itoa(f.refuse) {
			return "<iq type='error' id='" + id + "' from='pubsub.localhost'><error type='auth'><forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
		}
		start := strings.Index(iq, "<item>")
		item := iq[start : strings.Index(iq, fakeItemEnd)+len(fakeItemEnd)]
		msg := "<message from='pubsub.localhost' type='headline'><event xmlns='http://jabber.org/protocol/pubsub#event'><items node='n'>" + item + "</items></event></message>"
		f.mu.Lock()
		subs := append([]net.Conn(nil), f.subscribers...)
		f.mu.Unlock()
		for _, s := range subs {
			io.WriteString(s, msg)
		}
	}
	return result
}

func itoa(n int) string { return requestID(n)[len("load-"):] }
