package loadgen

import (
	"slices"
	"strings"
	"testing"
)

// The load generator counts notifications by the requestIds it finds in
// the byte stream, so that scan must neither miss one split across reads
// nor take a closing tag or an empty requestId for one.
func TestScanRequestIDs(t *testing.T) {
	stream := "<message><notification>&lt;Update&gt;&lt;requestId&gt;load-1&lt;/requestId&gt;&lt;/Update&gt;</notification></message>" +
		"<message><notification>&lt;requestId/&gt;</notification></message>" +
		"<message><notification>&lt;requestId&gt;&lt;/requestId&gt;</notification></message>" +
		"<message><notification>&lt;requestId&gt;load-22&lt;/requestId&gt;</notification></message>"
	for split := 1; split < len(stream); split++ {
		var got []string
		found := func(id string) { got = append(got, id) }
		rest := scanRequestIDs([]byte(stream[:split]), found)
		rest = append(rest, stream[split:]...)
		scanRequestIDs(rest, found)
		if !slices.Equal(got, []string{"load-1", "load-22"}) {
			t.Fatalf("split at %d (%q): got %q", split, stream[:split], got)
		}
	}
}

func TestScanKeepsOnlyATail(t *testing.T) {
	rest := scanRequestIDs([]byte(strings.Repeat("x", 10000)), func(string) {})
	if len(rest) > len(requestIDOpen) {
		t.Fatalf("kept %d bytes of a stream with no requestId", len(rest))
	}
}
