package websocket

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"time"

	xwebsocket "golang.org/x/net/websocket"
	mxmpp "mellium.im/xmpp"
	mwebsocket "mellium.im/xmpp/websocket"

	"github.com/finessed/finessed/xmpp"
	"github.com/finessed/finessed/xmpp/negotiate"
)

const nsFraming = "urn:ietf:params:xml:ns:xmpp-framing"

// Handler upgrades HTTP requests to XMPP WebSocket sessions.
type Handler struct {
	Service *xmpp.Service
	// Context ends every session's negotiation when the server shuts down;
	// established sessions are ended by the Service.
	Context context.Context
	// NegotiationTimeout and IdleTimeout as for TCP (30 s and 2 min).
	NegotiationTimeout time.Duration
	IdleTimeout        time.Duration

	once sync.Once
	ws   xwebsocket.Server
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.once.Do(func() {
		h.ws = xwebsocket.Server{Handshake: handshake, Handler: h.serve}
	})
	if r.ProtoMajor != 1 {
		// The upgrade takes the connection over, which HTTP/2 (served
		// beside HTTP/1.1 for BOSH) has no way to do.
		http.Error(w, "XMPP over WebSocket needs HTTP/1.1", http.StatusBadRequest)
		return
	}
	h.ws.ServeHTTP(withCorking(w, r))
}

// errNoXMPPProtocol refuses an upgrade without the xmpp subprotocol.
var errNoXMPPProtocol = errors.New("websocket: the xmpp subprotocol is required")

// handshake insists on the xmpp subprotocol and accepts any origin, since
// desktop gadgets are served from elsewhere.
func handshake(cfg *xwebsocket.Config, r *http.Request) error {
	if !slices.Contains(cfg.Protocol, mwebsocket.WSProtocol) {
		return errNoXMPPProtocol
	}
	cfg.Protocol = []string{mwebsocket.WSProtocol}
	return nil
}

// serve negotiates one WebSocket stream and then serves its session.
func (h *Handler) serve(ws *xwebsocket.Conn) {
	ws.PayloadType = xwebsocket.TextFrame
	conn := &negotiate.LimitConn{Conn: newMessageConn(ws)}
	defer conn.Close()
	ctx := h.Context
	if ctx == nil {
		ctx = context.Background()
	}
	conn.SetDeadline(time.Now().Add(or(h.NegotiationTimeout, 30*time.Second)))
	// As for TCP, mellium gets a context that is never cancelled so that
	// its own deadline juggling cannot undo this one.
	stop := context.AfterFunc(ctx, func() { ws.SetDeadline(time.Now()) })
	st := negotiate.NewState(h.Service, "websocket", ws.Request().RemoteAddr)
	ms, err := st.Receive(context.WithoutCancel(ctx), conn, mwebsocket.Negotiator(func(*mxmpp.Session, *mxmpp.StreamConfig) mxmpp.StreamConfig {
		return mxmpp.StreamConfig{Features: st.Features(nil)}
	}))
	stop()
	if err != nil {
		h.refuse(ctx, ws, ms, st, err)
		return
	}
	conn.SetDeadline(time.Time{})
	cork := corkOf(ws.Request())
	if d := newDirect(cork); d != nil {
		st.Session.SetDirect(d)
	}
	negotiate.Serve(ctx, ms, st.Session, &framing{ws: ws, cork: cork}, or(h.IdleTimeout, 2*time.Minute))
}

// refuse ends a stream whose negotiation failed with the stream error the
// client should see, opening the stream first if the server has not
// answered an <open/> yet (RFC 7395 §3.6), then <close/>.
func (h *Handler) refuse(ctx context.Context, ws *xwebsocket.Conn, ms *mxmpp.Session, st *negotiate.State, err error) {
	if st.Session != nil {
		st.Session.Close()
	}
	slog.Debug("websocket negotiation failed", "remote", ws.Request().RemoteAddr, "err", err)
	se := negotiate.RefusalError(err, ctx.Err() != nil)
	if se == nil {
		return
	}
	if ms == nil || ms.Out().ID == "" {
		ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
		open := fmt.Sprintf("<open xmlns='%s' version='1.0' id='%s' from='%s'/>", nsFraming, negotiate.StreamID(), h.Service.Domain())
		if _, err := ws.Write([]byte(open)); err != nil {
			return
		}
	}
	(&framing{ws: ws}).WriteEnd(se)
}

// framing writes RFC 7395 messages: one stanza per WebSocket message, and
// a batch of them in one write where the connection is corked.
type framing struct {
	ws     *xwebsocket.Conn
	cork   *corkConn // nil: every message is its own write
	stanza []byte    // reused to join a stanza's head and body
}

func (f *framing) WriteBatch(b *xmpp.Batch) error {
	f.ws.SetWriteDeadline(time.Now().Add(30 * time.Second))
	if f.cork != nil {
		f.cork.cork()
	}
	var err error
	b.Each(func(head, body []byte) {
		if err != nil {
			return
		}
		f.stanza = append(append(f.stanza[:0], head...), body...)
		_, err = f.ws.Write(f.stanza)
	})
	if f.cork != nil {
		if uerr := f.cork.uncork(); err == nil {
			err = uerr
		}
	}
	if cap(f.stanza) > maxKeptPending {
		f.stanza = nil
	}
	// The deadline was for this batch; left set, it would fail the pong
	// the library writes for a client's ping long after.
	f.ws.SetWriteDeadline(time.Time{})
	return err
}

func (f *framing) WriteEnd(serr *xmpp.StreamError) error {
	f.ws.SetWriteDeadline(time.Now().Add(5 * time.Second))
	if serr != nil {
		if _, err := f.ws.Write(serr.Bytes()); err != nil {
			return err
		}
	}
	_, err := f.ws.Write([]byte("<close xmlns='" + nsFraming + "'/>"))
	return err
}

func (f *framing) Close() error { return f.ws.Close() }

func (f *framing) IsClose(name xml.Name) bool {
	return name == xml.Name{Space: nsFraming, Local: "close"}
}

func or(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
