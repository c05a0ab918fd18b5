package conformance

import (
	"context"
	"testing"
	"time"

	"github.com/finessed/finessed/internal/livetest"
	"github.com/finessed/finessed/xmpp/xmpptest"
)

// transports are the ways a desktop connects, each a Target.Dial.
var transports = []string{"tcp", "websocket", "bosh"}

// server is an in-process finessed (package livetest): the demo directory
// on a test clock, REST, the simulator and XMPP on every transport.
type server struct{ *livetest.Server }

func startServer(t *testing.T) server {
	t.Helper()
	return server{livetest.Start(t)}
}

// target is s as a Target whose desktops connect over transport.
func (s server) target(transport string) Target {
	dial := func(ctx context.Context, user, password string) (Session, error) {
		switch transport {
		case "websocket":
			return xmpptest.DialWebSocket(ctx, s.WebSocketURL(), "localhost", user, password)
		case "bosh":
			return xmpptest.DialBOSH(ctx, s.BOSHURL(), "localhost", user, password)
		}
		return xmpptest.DialTCP(ctx, s.XMPP, "localhost", user, password)
	}
	return Target{REST: s.REST, Dial: dial, Password: "finesse", Admin: "admin", Settle: 100 * time.Millisecond}
}
