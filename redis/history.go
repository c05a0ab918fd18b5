package redis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/finessed/finessed/acd"
	"github.com/finessed/finessed/model"
)

// An agent's history holds up to 200 states and 200 calls, and every state
// change reads it and writes it back whole: as JSON, decoding and encoding
// it took more time than anything else a state change does on Redis. It is
// kept instead as lines of tab-separated fields, one a record, which take
// a tenth of the time. A history written as JSON by an older node still
// reads.
//
//	h1
//	s	STATE	reasonCodeId	start
//	c	dialog	type	number	disposition	wrapUpReason	queue	start	end
//
// Fields are escaped (\\, \t, \n) and times are RFC 3339 with nanoseconds,
// as JSON writes them, so a history reads back exactly as JSON gave it.

const historyHeader = "h1\n"

// encodeHistory renders h in the history format.
func encodeHistory(h acd.History) string {
	b := make([]byte, 0, len(historyHeader)+64*len(h.States)+128*len(h.Calls))
	b = append(b, historyHeader...)
	b = appendStates(b, h.States)
	return string(appendCalls(b, h.Calls))
}

func appendStates(b []byte, states []acd.StateRecord) []byte {
	for _, s := range states {
		b = append(b, 's')
		b = appendField(b, string(s.State))
		b = appendField(b, s.ReasonCodeID)
		b = appendTime(b, s.Start)
		b = append(b, '\n')
	}
	return b
}

func appendCalls(b []byte, calls []acd.CallRecord) []byte {
	for _, c := range calls {
		b = append(b, 'c')
		for _, f := range [...]string{c.Dialog, c.Type, c.Number, c.Disposition, c.WrapUpReason, c.Queue} {
			b = appendField(b, f)
		}
		b = appendTime(b, c.Start)
		b = appendTime(b, c.End)
		b = append(b, '\n')
	}
	return b
}

// encodeAppended renders h from the history e had when h is that history
// with states added at the end (and, at the bound, as many dropped at the
// front) and the same calls, as a state change leaves it: the lines of
// the states kept are copied, not rendered again.
func encodeAppended(e cachedHistory, h acd.History) (string, bool) {
	old, cur := e.h.States, h.States
	added := max(1, len(cur)-len(old))
	dropped := len(old) - (len(cur) - added)
	if !strings.HasPrefix(e.text, historyHeader) || added > len(cur) || dropped < 0 ||
		!slices.Equal(cur[:len(cur)-added], old[dropped:]) || !slices.Equal(h.Calls, e.h.Calls) {
		return "", false
	}
	text := e.text[len(historyHeader):]
	calls := len(text)
	if strings.HasPrefix(text, "c\t") {
		calls = 0
	} else if i := strings.Index(text, "\nc\t"); i >= 0 {
		calls = i + 1
	}
	kept := 0
	for range dropped {
		end := strings.IndexByte(text[kept:], '\n')
		if end < 0 {
			return "", false
		}
		kept += end + 1
	}
	b := make([]byte, 0, len(e.text)+64*added)
	b = append(b, historyHeader...)
	b = append(b, text[kept:calls]...)
	b = appendStates(b, cur[len(cur)-added:])
	return string(append(b, text[calls:]...)), true
}

func appendField(b []byte, s string) []byte {
	b = append(b, '\t')
	if !strings.ContainsAny(s, "\\\t\n") {
		return append(b, s...)
	}
	for i := range len(s) {
		switch s[i] {
		case '\\':
			b = append(b, `\\`...)
		case '\t':
			b = append(b, `\t`...)
		case '\n':
			b = append(b, `\n`...)
		default:
			b = append(b, s[i])
		}
	}
	return b
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '\t')
	return t.AppendFormat(b, time.RFC3339Nano)
}

// decodeHistory reads a history in the history format, or as JSON.
func decodeHistory(data []byte) (acd.History, error) {
	var h acd.History
	rest, ok := bytes.CutPrefix(data, []byte(historyHeader))
	if !ok {
		err := json.Unmarshal(data, &h)
		return h, err
	}
	if n := bytes.Count(rest, []byte("\ns\t")); n > 0 || bytes.HasPrefix(rest, []byte("s\t")) {
		h.States = make([]acd.StateRecord, 0, n+1)
	}
	if n := bytes.Count(rest, []byte("\nc\t")); n > 0 || bytes.HasPrefix(rest, []byte("c\t")) {
		h.Calls = make([]acd.CallRecord, 0, n+1)
	}
	d := recordDecoder{h: &h, seen: map[string]string{}}
	for n := 1; len(rest) > 0; n++ {
		var line []byte
		line, rest, _ = bytes.Cut(rest, []byte{'\n'})
		if err := d.record(line); err != nil {
			return acd.History{}, fmt.Errorf("history line %d: %w", n+1, err)
		}
	}
	return h, nil
}

// recordDecoder adds records to a history. The same few states, reason
// codes, call types, dispositions and queues come back on every line;
// seen makes each one string once.
type recordDecoder struct {
	h    *acd.History
	seen map[string]string
}

// record adds the record of one line.
func (d recordDecoder) record(line []byte) error {
	kind, rest, _ := bytes.Cut(line, []byte{'\t'})
	var f [8][]byte
	n := splitFields(rest, &f)
	switch {
	case string(kind) == "s" && n == 3:
		start, err := parseTime(f[2])
		if err != nil {
			return err
		}
		d.h.States = append(d.h.States, acd.StateRecord{State: model.AgentState(d.common(f[0])), ReasonCodeID: d.common(f[1]), Start: start})
	case string(kind) == "c" && n == 8:
		start, err := parseTime(f[6])
		if err != nil {
			return err
		}
		end, err := parseTime(f[7])
		if err != nil {
			return err
		}
		d.h.Calls = append(d.h.Calls, acd.CallRecord{
			Dialog: unescape(f[0]), Type: d.common(f[1]), Number: unescape(f[2]), Disposition: d.common(f[3]),
			WrapUpReason: d.common(f[4]), Queue: d.common(f[5]), Start: start, End: end,
		})
	default:
		return fmt.Errorf("not a state or call record: %.40q", line)
	}
	return nil
}

// common is the unescaped field b, made a string once per decoding.
func (d recordDecoder) common(b []byte) string {
	if s, ok := d.seen[string(b)]; ok {
		return s
	}
	s := unescape(b)
	d.seen[string(b)] = s
	return s
}

// splitFields splits a record's fields into f and returns how many there
// are; more than fit in f is len(f)+1.
func splitFields(b []byte, f *[8][]byte) int {
	for i := range f {
		field, rest, more := bytes.Cut(b, []byte{'\t'})
		f[i] = field
		if !more {
			return i + 1
		}
		b = rest
	}
	return len(f) + 1
}

func parseTime(b []byte) (time.Time, error) {
	var t time.Time
	err := t.UnmarshalText(b)
	return t, err
}

func unescape(b []byte) string {
	if bytes.IndexByte(b, '\\') < 0 {
		return string(b)
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 == len(b) {
			out = append(out, b[i])
			continue
		}
		i++
		switch b[i] {
		case 't':
			out = append(out, '\t')
		case 'n':
			out = append(out, '\n')
		default:
			out = append(out, b[i])
		}
	}
	return string(out)
}

// Decoding a full history is still the largest part of a state change's
// CPU on Redis, and the node that changed an agent last usually changes it
// next. historyCache keeps the histories this node decoded or encoded last,
// each with the exact stored text it came from: a read whose text is the
// same takes a copy instead of decoding. Keyed by the text, an entry is
// right whatever wrote it, so nothing invalidates it.
type historyCache struct {
	mu      sync.Mutex
	entries map[string]cachedHistory // by entity key
}

type cachedHistory struct {
	text string
	h    acd.History
}

// historyCacheSize bounds the cache: a full history is ~16 KB stored and
// ~50 KB decoded.
const historyCacheSize = 512

// decode returns the history stored as data under key.
func (c *historyCache) decode(key string, data []byte) (acd.History, error) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && e.text == string(data) {
		return e.h.Clone(), nil
	}
	h, err := decodeHistory(data)
	if err == nil {
		c.keep(key, string(data), h.Clone())
	}
	return h, err
}

// encode renders h for key, keeping it for the next read.
func (c *historyCache) encode(key string, h acd.History) string {
	c.mu.Lock()
	e, cached := c.entries[key]
	c.mu.Unlock()
	text, ok := "", false
	if cached {
		text, ok = encodeAppended(e, h)
	}
	if !ok {
		text = encodeHistory(h)
	}
	c.keep(key, text, h.Clone())
	return text
}

func (c *historyCache) keep(key, text string, h acd.History) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.entries[key]; !ok && len(c.entries) >= historyCacheSize {
		for other := range c.entries { // any one: map order is arbitrary
			delete(c.entries, other)
			break
		}
	}
	c.entries[key] = cachedHistory{text, h}
}
