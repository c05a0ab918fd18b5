package c2s

import (
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

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
}

// Serve accepts connections on ln until ctx is done, then closes ln and
// waits for the connections' goroutines to end (sessions are closed by the
// Service as it stops).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
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
	// Stop a negotiation in progress when the server shuts down.
	stop := context.AfterFunc(ctx, func() { raw.SetDeadline(time.Now()) })
	defer stop()

	st := negotiate.NewState(s.Service, "tcp")
	ms, err := mxmpp.ReceiveSession(ctx, conn, 0, mxmpp.NewNegotiator(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig {
		return mxmpp.StreamConfig{Features: st.Features(s.TLS)}
	}))
	if err != nil {
		s.refuse(conn, st, err)
		return
	}
	stop()
	conn.SetDeadline(time.Time{})
	negotiate.Serve(ctx, ms, st.Session, &framing{conn: ms.Conn()}, or(s.IdleTimeout, 2*time.Minute))
}

// refuse ends a stream whose negotiation failed, with the stream error the
// client should see where one applies.
func (s *Server) refuse(conn net.Conn, st *negotiate.State, err error) {
	if st.Session != nil {
		st.Session.Close()
	}
	var se *xmpp.StreamError
	switch {
	case errors.Is(err, negotiate.ErrStanzaTooLarge):
		se = &xmpp.StreamError{Condition: "policy-violation", Text: "stanza larger than the limit"}
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		return
	default:
		var syntax *xml.SyntaxError
		if errors.As(err, &syntax) {
			se = &xmpp.StreamError{Condition: "not-well-formed", Text: syntax.Msg}
		} else {
			se = &xmpp.StreamError{Condition: "not-authorized", Text: "negotiation failed"}
		}
	}
	slog.Debug("c2s negotiation failed", "remote", conn.RemoteAddr(), "err", err)
	conn.SetWriteDeadline(time.Now().Add(5 * time.Second))
	conn.Write(append(se.Bytes(), "</stream:stream>"...))
}

// framing writes a TCP stream: stanzas back to back, one writev a batch.
type framing struct {
	conn net.Conn
}

func (f *framing) WriteBatch(b *xmpp.Batch) error {
	bufs := net.Buffers(b.Buffers())
	f.conn.SetWriteDeadline(time.Now().Add(30 * time.Second))
	_, err := bufs.WriteTo(f.conn)
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
