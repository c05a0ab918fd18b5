package websocket

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"testing"

	"github.com/finessed/finessed/xmpp"
)

// A direct write the socket takes only part of holds the rest of the frame
// it stopped in, and the next write through the connection sends it
// first: the client reads whole messages, in order, none twice.
func TestDirectWriteHoldsTheRestOfAFrame(t *testing.T) {
	server, client := tcpPair(t)
	server.SetWriteBuffer(4096)
	client.SetReadBuffer(65536)
	cork := &corkConn{Conn: server}
	d := newDirect(cork)
	if d == nil {
		t.Fatal("no direct write on a plain TCP connection")
	}

	var stanzas [][]byte
	for i := range 12 {
		// Sizes that take each of the three header lengths.
		size := []int{60, 3000, 70000}[i%3]
		stanzas = append(stanzas, []byte(fmt.Sprintf("<message id='%d'>%s</message>", i, bytes.Repeat([]byte("x"), size))))
	}
	n, err := d.TryWrite(xmpp.NewBatch(stanzas...))
	if !errors.Is(err, xmpp.ErrHeld) {
		t.Fatalf("TryWrite = %d, %v; want a frame held back by a full socket", n, err)
	}
	// What the writer is left: the stanzas after the n bytes taken.
	taken, left := 0, 0
	for left < len(stanzas) && taken < n {
		taken += len(stanzas[left])
		left++
	}
	if taken != n {
		t.Fatalf("TryWrite took %d bytes, not a whole number of stanzas", n)
	}
	if n2, err := d.TryWrite(xmpp.NewBatch(stanzas[left:]...)); n2 != 0 || !errors.Is(err, xmpp.ErrHeld) {
		t.Fatalf("a second direct write while a frame is held = %d, %v", n2, err)
	}

	got := make(chan [][]byte, 1)
	go func() { got <- readMessages(t, client, len(stanzas)) }()
	// The writer: the library's framing goes through the cork.
	cork.cork()
	for _, st := range stanzas[left:] {
		cork.Write(appendHeader(nil, len(st)))
		cork.Write(st)
	}
	if err := cork.uncork(); err != nil {
		t.Fatal(err)
	}
	msgs := <-got
	for i := range stanzas {
		if i >= len(msgs) || !bytes.Equal(msgs[i], stanzas[i]) {
			t.Fatalf("message %d of %d is not stanza %d (%d stanzas written directly)", i, len(msgs), i, left)
		}
	}
}

func tcpPair(t *testing.T) (*net.TCPConn, *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	client, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	server, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close(); server.Close() })
	return server.(*net.TCPConn), client.(*net.TCPConn)
}

// readMessages reads n unmasked final text frames from a server.
func readMessages(t *testing.T, c net.Conn, n int) [][]byte {
	r := bufio.NewReader(c)
	var out [][]byte
	for range n {
		var h [2]byte
		if _, err := io.ReadFull(r, h[:]); err != nil {
			t.Errorf("read header: %v", err)
			return out
		}
		if h[0] != 0x81 || h[1]&0x80 != 0 {
			t.Errorf("frame header %x: not a final unmasked text frame", h)
			return out
		}
		size := uint64(h[1])
		switch size {
		case 126:
			var l [2]byte
			io.ReadFull(r, l[:])
			size = uint64(binary.BigEndian.Uint16(l[:]))
		case 127:
			var l [8]byte
			io.ReadFull(r, l[:])
			size = binary.BigEndian.Uint64(l[:])
		}
		msg := make([]byte, size)
		if _, err := io.ReadFull(r, msg); err != nil {
			t.Errorf("read payload: %v", err)
			return out
		}
		out = append(out, msg)
	}
	return out
}
