package xmpp

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beevik/etree"
)

// wire is one connection as a client would read it, written to by a
// session's direct write and by its writer (Next, then Written), as a TCP
// socket is. room says how many bytes a direct write may write in each
// call: what a socket buffer would take at once.
type wire struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	room   func() int
	direct int // direct writes that wrote all they were given
}

// TryWrite implements DirectWriter.
func (w *wire) TryWrite(b *Batch) (int, error) {
	bufs := b.Buffers()
	w.mu.Lock()
	defer w.mu.Unlock()
	room, total, n := w.room(), 0, 0
	for _, b := range bufs {
		total += len(b)
		k := min(len(b), room-n)
		w.buf.Write(b[:k])
		n += k
	}
	if n == total {
		w.direct++
	}
	return n, nil
}

// writer is the transport's writer: it writes what Next returns until the
// session is closed.
func (w *wire) writer(tb testing.TB, s *Session) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			b, err := s.Next(context.Background())
			if errors.Is(err, ErrSessionClosed) {
				return
			}
			if err != nil {
				tb.Errorf("Next: %v", err)
				return
			}
			w.mu.Lock()
			for _, p := range b.Buffers() {
				w.buf.Write(p)
			}
			w.mu.Unlock()
			s.Written(b)
		}
	}()
	return done
}

// stanzas parses what the wire carries; every stanza must be whole.
func (w *wire) stanzas(tb testing.TB) []stanza {
	tb.Helper()
	w.mu.Lock()
	raw := w.buf.String()
	w.mu.Unlock()
	doc := etree.NewDocument()
	if err := doc.ReadFromString("<stream xmlns='jabber:client'>" + raw + "</stream>"); err != nil {
		tb.Fatalf("the wire is not a run of whole stanzas: %v\n%s", err, raw)
	}
	var out []stanza
	for _, el := range doc.Root().ChildElements() {
		d := etree.NewDocument()
		d.SetRoot(el.Copy())
		s, _ := d.WriteToString()
		out = append(out, stanza{raw: s, el: el})
	}
	return out
}

// With a direct write, every notification reaches the wire once, whole and
// in order, whatever the socket takes at once: all of a batch, part of it
// (the writer finishes the stanza it stopped in before anything else), or
// nothing.
func TestDirectWriteKeepsOrder(t *testing.T) {
	for name, room := range map[string]func() int{
		"all":     func() int { return 1 << 30 },
		"part":    func() int { return 37 },
		"nothing": func() int { return 0 },
		"mixed": func() func() int {
			r := rand.New(rand.NewPCG(24, 24))
			var mu sync.Mutex
			return func() int {
				mu.Lock()
				defer mu.Unlock()
				return []int{0, 1, 500, 1 << 30, 1 << 30}[r.IntN(5)]
			}
		}(),
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, demoConfig(t), Options{})
			c := e.open("1001", "desk")
			w := &wire{room: room}
			c.sess.SetDirect(w)
			written := w.writer(t, c.sess)
			c.mustSend("<presence xmlns='jabber:client'/>")
			want := []string{e.signIn("1001", "3001")}
			for i := range 40 {
				if i%2 == 0 {
					want = append(want, e.ready("1001"))
				} else {
					want = append(want, e.notReady("1001", "2"))
				}
			}
			// The hub has dispatched the last change once its run is done;
			// then the session's end comes after all of it.
			waitFor(t, func() bool { return strings.Contains(w.text(), want[len(want)-1]+"&lt;") })
			e.dispatched()
			c.sess.Fail(&StreamError{Condition: "system-shutdown"})
			<-written

			got := w.stanzas(t)
			if len(got) == 0 || got[0].el.Tag != "presence" {
				t.Fatalf("first stanza %v, want finesse's presence", got)
			}
			var ids []string
			for _, s := range got[1:] {
				ids = append(ids, parseNote(t, s).requestID())
			}
			if strings.Join(ids, " ") != strings.Join(want, " ") {
				t.Errorf("notifications\n%v\nwant\n%v", ids, want)
			}
			if name == "all" && w.direct == 0 {
				t.Errorf("no direct write wrote a whole batch")
			}
		})
	}
}

// text is what the wire carries so far.
func (w *wire) text() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// waitFor polls cond until it holds, failing after patience: not a timing
// assertion, a bound on a hang.
func waitFor(tb testing.TB, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatal("gave up waiting")
		}
		time.Sleep(time.Millisecond)
	}
}
