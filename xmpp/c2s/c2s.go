package c2s

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	mxmpp "mellium.im/xmpp"

	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/negotiate"
)

// Server accepts XMPP client connections for a Service.
type Server struct {
	Service *xmpp.Service
	// TLS, when set, is offered with STARTTLS.
	TLS *tls.Config
	// NegotiationTimeout bounds the time from connect to a bound session
	// (default 30 s); IdleTimeout the silence between client stanzas
	// afterwards (default 2 min; desktops ping every 10 to 20 s).
	NegotiationTimeout time.Duration
	IdleTimeout        time.Duration
	// MaxConns caps the connections open at once (0: no cap); one more is
	// told policy-violation and closed.
	MaxConns int
	// AcceptErrors counts failed accepts and Refused the connections
	// turned away at the cap; either may be nil.
	AcceptErrors, Refused prometheus.Counter

	ln atomic.Pointer[Listener] // once Serve runs
}

// Failing reports whether accepting connections fails now (see
// Listener.Failing).
func (s *Server) Failing() bool {
	l := s.ln.Load()
	return l != nil && l.Failing()
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// waits for the connections' goroutines to end (sessions are closed by the
// Service as it stops). A failed accept is retried after a backoff; only
// closing ln ends Serve early.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	l := NewListener(ln, "xmpp")
	l.Max, l.Refuse, l.Errors, l.Refused = s.MaxConns, s.refuseBusy, s.AcceptErrors, s.Refused
	s.ln.Store(l)
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { l.Close() })
	defer stop()
	for {
		conn, err := l.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("c2s accept: %w", err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.handle(ctx, conn)
		}()
	}
}

// handle negotiates one connection and then serves its session.
func (s *Server) handle(ctx context.Context, raw net.Conn) {
	conn := &negotiate.LimitConn{Conn: raw}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(or(s.NegotiationTimeout, 30*time.Second)))
	// Stop a negotiation in progress when the server shuts down. mellium
	// gets a context that is never cancelled: on cancellation it would set
	// a past deadline and then clear it, racing with this one and leaving
	// a negotiation that was not blocked in a read without any deadline.
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Now()) })
	defer stop()

	st := negotiate.NewState(s.Service, "tcp", raw.RemoteAddr().String())
	ms, err := st.Receive(context.WithoutCancel(ctx), conn, mxmpp.NewNegotiator(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig {
		return mxmpp.StreamConfig{Features: st.Features(s.TLS)}
	}))
	if err != nil {
		s.refuse(ctx, conn, ms, st, err)
		return
	}
	stop()
	conn.SetDeadline(time.Time{})
	if d := newDirect(ms.Conn()); d != nil {
		st.Session.SetDirect(d)
	}
	negotiate.Serve(ctx, ms, st.Session, &framing{conn: ms.Conn()}, or(s.IdleTimeout, 2*time.Minute))
}

// refuse ends a stream whose negotiation failed, with the stream error the
// client should see where one applies. It writes on the stream's current
// connection (TLS after STARTTLS), opening a stream first when the server
// has not sent its header on it yet (RFC 6120 §4.9.1.2).
func (s *Server) refuse(ctx context.Context, conn net.Conn, ms *mxmpp.Session, st *negotiate.State, err error) {
	if st.Session != nil {
		st.Session.Close()
	}
	slog.Debug("c2s negotiation failed", "remote", conn.RemoteAddr(), "err", err)
	se := negotiate.RefusalError(err, ctx.Err() != nil)
	if se == nil {
		return
	}
	w := net.Conn(conn)
	if ms != nil {
		w = ms.Conn()
	}
	s.writeRefusal(w, ms == nil || ms.Out().ID == "", se)
}

// refuseBusy tells a connection past MaxConns why it is closed.
func (s *Server) refuseBusy(conn net.Conn) {
	s.writeRefusal(conn, true, &xmpp.StreamError{Condition: "policy-violation", Text: "too many connections"})
}

// writeRefusal writes a stream error and the end of the stream, after a
// stream header of the server's own when open is set (RFC 6120 §4.9.1.2).
func (s *Server) writeRefusal(w net.Conn, open bool, se *xmpp.StreamError) {
	var out []byte
	if open {
		out = fmt.Appendf(out, "<?xml version='1.0'?><stream:stream xmlns='%s' xmlns:stream='http://etherx.jabber.org/streams' version='1.0' id='%s' from='%s'>",
			xmpp.NSClient, negotiate.StreamID(), s.Service.Domain())
	}
	out = append(append(out, se.Bytes()...), "</stream:stream>"...)
	w.SetWriteDeadline(time.Now().Add(5 * time.Second))
	w.Write(out)
}

// framing writes a TCP stream: stanzas back to back, one system call a
// batch.
type framing struct {
	conn net.Conn
}

// buffersWriter is a connection that writes a vector in one writev.
type buffersWriter interface {
	WriteBuffers(v *net.Buffers) (int64, error)
}

func (f *framing) WriteBatch(b *xmpp.Batch) error {
	f.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	bufs := net.Buffers(b.Buffers())
	if bw, ok := f.conn.(buffersWriter); ok {
		_, err := bw.WriteBuffers(&bufs)
		return err
	}
	// Over TLS, one Write of the joined batch fills whole records; a Write
	// per buffer would seal and send a record for every head and body.
	_, err := f.conn.Write(bytes.Join(bufs, nil))
	return err
}

func (f *framing) WriteEnd(err *xmpp.StreamError) error {
	var end []byte
	if err != nil {
		end = err.Bytes()
	}
	f.conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, werr := f.conn.Write(append(end, "</stream:stream>"...))
	return werr
}

func (f *framing) Close() error { return f.conn.Close() }

func (f *framing) IsClose(xml.Name) bool { return false }

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
