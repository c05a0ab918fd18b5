package xmpptest

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"net/http"

	xwebsocket "golang.org/x/net/websocket"
	mxmpp "mellium.im/xmpp"
	mwebsocket "mellium.im/xmpp/websocket"
)

// Dialer signs users in as DialTCP, DialWebSocket and DialBOSH do, over
// TLS where asked: wss:// and https:// URLs, and TCP with StartTLS.
type Dialer struct {
	// TLS configures every TLS connection; nil is Go's defaults, which
	// check the server's certificate against the system's roots. A
	// configuration without a ServerName gets the URL's host, or for
	// STARTTLS the XMPP domain.
	TLS *tls.Config
	// StartTLS upgrades an XMPP TCP connection to TLS before signing in.
	StartTLS bool
}

// TCP signs user in over XMPP on TCP at addr (host:port), binding
// resource ("" for one the server picks).
func (d Dialer) TCP(ctx context.Context, addr, domain, user, resource, password string) (*Client, error) {
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("sign in %s: %w", user, err)
	}
	if resource != "" {
		user += "/" + resource
	}
	var startTLS *tls.Config
	if d.StartTLS {
		startTLS = TLSFor(d.TLS, domain)
	}
	return start(ctx, conn, domain, user, password, mxmpp.NewNegotiator, startTLS)
}

// WebSocket signs user in over XMPP on WebSocket at url (ws://host/ws, or
// wss:// over TLS).
func (d Dialer) WebSocket(ctx context.Context, url, domain, user, password string) (*Client, error) {
	ws, err := WebSocketConn(ctx, url, mwebsocket.WSProtocol, d.TLS)
	if err != nil {
		return nil, fmt.Errorf("sign in %s over WebSocket: %w", user, err)
	}
	return start(ctx, ws, domain, user, password, mwebsocket.Negotiator, nil)
}

// BOSH signs user in over BOSH at url (http://host:port/http-bind, or
// https://).
func (d Dialer) BOSH(ctx context.Context, url, domain, user, password string) (*BOSHClient, error) {
	client := &http.Client{}
	if d.TLS != nil {
		client.Transport = &http.Transport{TLSClientConfig: d.TLS}
	}
	return dialBOSH(ctx, client, url, domain, user, password)
}

// WebSocketConn opens a WebSocket to url (ws:// or wss://, the port
// defaulting to 80 or 443) for protocol, with text frames; cfg configures
// TLS for wss:// (nil: Go's defaults).
func WebSocketConn(ctx context.Context, url, protocol string, cfg *tls.Config) (*xwebsocket.Conn, error) {
	wcfg, err := xwebsocket.NewConfig(url, "http://localhost/")
	if err != nil {
		return nil, err
	}
	wcfg.Protocol = []string{protocol}
	host, port := wcfg.Location.Hostname(), wcfg.Location.Port()
	secure := wcfg.Location.Scheme == "wss"
	if port == "" {
		port = "80"
		if secure {
			port = "443"
		}
	}
	conn, err := (&net.Dialer{}).DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return nil, err
	}
	if secure {
		tlsConn := tls.Client(conn, TLSFor(cfg, host))
		if err := tlsConn.HandshakeContext(ctx); err != nil {
			conn.Close()
			return nil, err
		}
		conn = tlsConn
	}
	ws, err := xwebsocket.NewClient(wcfg, conn)
	if err != nil {
		conn.Close()
		return nil, err
	}
	ws.PayloadType = xwebsocket.TextFrame
	return ws, nil
}

// TLSFor is cfg for a connection to serverName: a copy with ServerName
// set when cfg had none.
func TLSFor(cfg *tls.Config, serverName string) *tls.Config {
	if cfg == nil {
		return &tls.Config{ServerName: serverName}
	}
	cfg = cfg.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = serverName
	}
	return cfg
}
