package websocket

import (
	"net"
	"slices"
	"testing"
)

// recordingConn keeps each Write it is given.
type recordingConn struct {
	net.Conn
	writes []string
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.writes = append(c.writes, string(p))
	return len(p), nil
}

// TestCorkJoinsWrites: what is written while corked reaches the socket as
// one write, in order, at uncork; uncorked writes pass straight through.
func TestCorkJoinsWrites(t *testing.T) {
	rec := &recordingConn{}
	c := &corkConn{Conn: rec}
	c.Write([]byte("a"))
	c.cork()
	c.Write([]byte("b"))
	c.Write([]byte("c"))
	if len(rec.writes) != 1 {
		t.Fatalf("writes while corked reached the socket: %q", rec.writes)
	}
	if err := c.uncork(); err != nil {
		t.Fatal(err)
	}
	c.uncork()
	c.Write([]byte("d"))
	if want := []string{"a", "bc", "d"}; !slices.Equal(rec.writes, want) {
		t.Errorf("writes %q, want %q", rec.writes, want)
	}
}
