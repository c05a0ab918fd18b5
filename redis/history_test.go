package redis

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/finessed/finessed/acd"
)

// filled sets every field of the struct v points to, so that a field
// added to a history record and forgotten by the codec fails the round
// trip; a field of a kind it cannot fill fails the test.
func filled(t *testing.T, v any, text string, at time.Time) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f := rv.Field(i)
		switch {
		case f.Type() == reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(at.Add(time.Duration(i) * time.Minute)))
		case f.Kind() == reflect.String:
			f.SetString(text + rv.Type().Field(i).Name)
		default:
			t.Fatalf("%s.%s: the history codec does not know %s fields", rv.Type(), rv.Type().Field(i).Name, f.Kind())
		}
	}
}

func TestHistoryCodecKeepsEveryField(t *testing.T) {
	at := time.Date(2026, 12, 7, 9, 0, 0, 123456789, time.UTC)
	for _, text := range []string{"", "plain ", "tab\there ", "new\nline ", `back\slash\t `, "ünïcode "} {
		var h acd.History
		for range 3 {
			var s acd.StateRecord
			filled(t, &s, text, at)
			var c acd.CallRecord
			filled(t, &c, text, at)
			h.States = append(h.States, s)
			h.Calls = append(h.Calls, c)
		}
		got, err := decodeHistory([]byte(encodeHistory(h)))
		if err != nil {
			t.Fatalf("%q: %v", text, err)
		}
		if !reflect.DeepEqual(got, h) {
			t.Fatalf("%q: round trip\n got %+v\nwant %+v", text, got, h)
		}
	}
}

// Times come back as JSON would give them back: same instant, same offset.
func TestHistoryCodecReadsTimesAsJSONDoes(t *testing.T) {
	h := acd.History{States: []acd.StateRecord{
		{State: "READY", Start: time.Date(2026, 1, 2, 3, 4, 5, 6, time.FixedZone("", 2*3600))},
		{State: "NOT_READY", ReasonCodeID: "1", Start: time.Now()},
		{State: "LOGOUT"},
	}}
	raw, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	var viaJSON acd.History
	if err := json.Unmarshal(raw, &viaJSON); err != nil {
		t.Fatal(err)
	}
	got, err := decodeHistory([]byte(encodeHistory(h)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, viaJSON) {
		t.Fatalf("got %+v\nJSON gives %+v", got, viaJSON)
	}
}

// A history an older node wrote as JSON still reads, and an empty one
// reads as the zero History either way.
func TestHistoryCodecReadsJSON(t *testing.T) {
	h := acd.History{States: []acd.StateRecord{{State: "READY", Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}}
	raw, _ := json.Marshal(h)
	got, err := decodeHistory(raw)
	if err != nil || !reflect.DeepEqual(got, h) {
		t.Fatalf("from JSON: %+v, %v", got, err)
	}
	for _, empty := range []string{encodeHistory(acd.History{}), `{"States":null,"Calls":null}`} {
		got, err := decodeHistory([]byte(empty))
		if err != nil || !reflect.DeepEqual(got, acd.History{}) {
			t.Fatalf("%q: %+v, %v", empty, got, err)
		}
	}
}

func TestHistoryCodecRefusesDamage(t *testing.T) {
	for _, bad := range []string{
		historyHeader + "s\tREADY\t\n",
		historyHeader + "s\tREADY\t\tyesterday\n",
		historyHeader + "x\ta\tb\tc\n",
		historyHeader + "c\t1\t2\t3\n",
		historyHeader + "s\tREADY\t\t2026-01-02T03:04:05Z\textra\n",
		historyHeader + strings.Repeat("\t", 20) + "\n",
	} {
		if h, err := decodeHistory([]byte(bad)); err == nil {
			t.Errorf("%q read as %+v", bad, h)
		}
	}
}

// fullHistory is a history at its bound: 200 states and 200 calls.
func fullHistory() acd.History {
	var h acd.History
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	for i := range 200 {
		at = at.Add(time.Duration(i) * time.Second)
		h.States = append(h.States, acd.StateRecord{State: "NOT_READY", ReasonCodeID: "1", Start: at})
		h.Calls = append(h.Calls, acd.CallRecord{
			Dialog: "1000", Type: "ACD_IN", Number: "5551234", Disposition: "Handled", Queue: "100", Start: at, End: at.Add(time.Minute),
		})
	}
	return h
}

func BenchmarkHistoryDecode(b *testing.B) {
	data := []byte(encodeHistory(fullHistory()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeHistory(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHistoryDecodeJSON(b *testing.B) {
	data, _ := json.Marshal(fullHistory())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeHistory(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkHistoryEncode(b *testing.B) {
	h := fullHistory()
	b.ReportAllocs()
	for b.Loop() {
		encodeHistory(h)
	}
}

func BenchmarkHistoryEncodeJSON(b *testing.B) {
	h := fullHistory()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := encode(h); err != nil {
			b.Fatal(err)
		}
	}
}

// The cache answers only for the exact text it decoded or encoded, and
// hands out copies: changing what it returned changes nothing it keeps.
func TestHistoryCacheAnswersOnlyForItsText(t *testing.T) {
	c := historyCache{entries: map[string]cachedHistory{}}
	h1 := acd.History{States: []acd.StateRecord{{State: "READY", Start: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}}}
	h2 := acd.History{States: append(h1.Clone().States, acd.StateRecord{State: "NOT_READY", ReasonCodeID: "1"})}
	text1 := c.encode("history:1001", h1)
	got, err := c.decode("history:1001", []byte(encodeHistory(h2)))
	if err != nil || !reflect.DeepEqual(got, h2) {
		t.Fatalf("another text under the key: %+v, %v", got, err)
	}
	got, err = c.decode("history:1001", []byte(text1))
	if err != nil || !reflect.DeepEqual(got, h1) {
		t.Fatalf("the first text again: %+v, %v", got, err)
	}
	got.States[0].State = "LOGOUT"
	if again, _ := c.decode("history:1001", []byte(text1)); !reflect.DeepEqual(again, h1) {
		t.Fatalf("a change to a returned history reached the cache: %+v", again)
	}
	for i := range historyCacheSize + 10 {
		c.encode(fmt.Sprint("history:", i), h1)
	}
	if len(c.entries) > historyCacheSize {
		t.Fatalf("%d entries, bound %d", len(c.entries), historyCacheSize)
	}
}

// However a history changes, the text the cache renders for it is the one
// encodeHistory renders: appended states, states dropped at the bound,
// calls added, reason codes with escapes, a history started over.
func TestHistoryCacheRendersAsEncodeHistory(t *testing.T) {
	c := historyCache{entries: map[string]cachedHistory{}}
	rng := rand.New(rand.NewPCG(21, 7))
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	var h acd.History
	for i := range 1000 {
		at = at.Add(time.Duration(rng.IntN(5000)) * time.Millisecond)
		switch r := rng.IntN(20); {
		case r == 0:
			h = acd.History{}
		case r <= 2:
			h.Calls = append(h.Calls, acd.CallRecord{Dialog: fmt.Sprint(i), Type: "ACD_IN", Disposition: "Handled", Start: at, End: at})
		default:
			for range 1 + rng.IntN(2) {
				h.States = append(h.States, acd.StateRecord{State: "NOT_READY", ReasonCodeID: fmt.Sprint("r\t", i%3), Start: at})
			}
		}
		if len(h.States) > 200 {
			h.States = h.States[len(h.States)-200:]
		}
		if got, want := c.encode("history:1001", h.Clone()), encodeHistory(h); got != want {
			t.Fatalf("change %d: the cache rendered\n%q\nwant\n%q", i, got, want)
		}
	}
}

// BenchmarkHistoryEncodeAppended is a state change's encoding of a full
// history whose previous text the cache holds.
func BenchmarkHistoryEncodeAppended(b *testing.B) {
	c := historyCache{entries: map[string]cachedHistory{}}
	h := fullHistory()
	text := c.encode("history:1001", h)
	next := h.Clone()
	next.States = append(next.States[1:], acd.StateRecord{State: "READY", Start: time.Now()})
	b.ReportAllocs()
	for b.Loop() {
		c.keep("history:1001", text, h)
		c.encode("history:1001", next)
	}
}
