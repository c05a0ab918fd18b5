package loadgen

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Stage is one stage of a REST change's way to a desktop, as the server's
// own histogram saw it over the run: how many it timed, and the p50 and
// p99, interpolated within the histogram's buckets.
type Stage struct {
	Name     string
	N        int64
	P50, P99 time.Duration
}

func (s Stage) String() string {
	return fmt.Sprintf("p50 %v\tp99 %v\tn %d", s.P50, s.P99, s.N)
}

// stage names a server histogram, and the labels of the series of it that
// count (all of them must match; a series with other labels is summed in).
type stage struct {
	name, metric string
	labels       map[string]string
}

// stages are the server's stages in the order a change goes through them,
// then the whole of the server's part (commit -> written).
var stages = []stage{
	{"PUT User arrival -> handler", "finesse_http_request_wait_seconds", map[string]string{"route": "/finesse/api/User/{id}", "method": "PUT"}},
	{"PUT User handler", "finesse_http_request_duration_seconds", map[string]string{"route": "/finesse/api/User/{id}", "method": "PUT"}},
	{"commit", "finesse_commit_duration_seconds", nil},
	{"commit -> dispatch", "finesse_xmpp_dispatch_latency_seconds", nil},
	{"dispatch -> written, tcp", "finesse_xmpp_write_latency_seconds", map[string]string{"transport": "tcp"}},
	{"dispatch -> written, bosh", "finesse_xmpp_write_latency_seconds", map[string]string{"transport": "bosh"}},
	{"dispatch -> written, websocket", "finesse_xmpp_write_latency_seconds", map[string]string{"transport": "websocket"}},
	{"commit -> written", "finesse_xmpp_fanout_latency_seconds", nil},
}

// buckets are one histogram's cumulative bucket counts by upper bound
// (+Inf included), summed over the series that match a stage.
type buckets map[float64]float64

// exposition is the histogram buckets of one /metrics scrape: metric name
// to its series, each its labels (le left out) and its buckets.
type exposition map[string][]series

type series struct {
	labels  map[string]string
	buckets buckets
}

// scrapeMetrics reads url's Prometheus text exposition.
func scrapeMetrics(ctx context.Context, client *http.Client, url string) (exposition, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	return parseExposition(resp.Body)
}

// parseExposition reads the _bucket lines of a text exposition; other
// lines, and lines it cannot read, are skipped: a metric it does not know
// must not stop the report.
func parseExposition(r io.Reader) (exposition, error) {
	out := exposition{}
	lines := bufio.NewScanner(r)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	for lines.Scan() {
		name, labels, value, ok := parseSample(lines.Text())
		metric, isBucket := strings.CutSuffix(name, "_bucket")
		if !ok || !isBucket {
			continue
		}
		le, err := strconv.ParseFloat(labels["le"], 64) // "+Inf" parses as +Inf
		if err != nil {
			continue
		}
		delete(labels, "le")
		s := seriesOf(out, metric, labels)
		s.buckets[le] += value
	}
	if err := lines.Err(); err != nil {
		return nil, fmt.Errorf("reading /metrics: %w", err)
	}
	return out, nil
}

// seriesOf finds, or adds, metric's series with exactly these labels.
func seriesOf(e exposition, metric string, labels map[string]string) *series {
	all := e[metric]
	for i := range all {
		if sameLabels(all[i].labels, labels) {
			return &all[i]
		}
	}
	e[metric] = append(all, series{labels: labels, buckets: buckets{}})
	return &e[metric][len(e[metric])-1]
}

func sameLabels(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// parseSample splits `name{k="v",...} value [timestamp]`. Label values
// are quoted and may hold braces, commas and escaped quotes (a route
// template such as /finesse/api/User/{id}).
func parseSample(line string) (name string, labels map[string]string, value float64, ok bool) {
	if line == "" || line[0] == '#' {
		return "", nil, 0, false
	}
	end := strings.IndexAny(line, "{ ")
	if end <= 0 {
		return "", nil, 0, false
	}
	name, rest := line[:end], line[end:]
	labels = map[string]string{}
	if rest[0] == '{' {
		rest, ok = parseLabels(rest[1:], labels)
		if !ok {
			return "", nil, 0, false
		}
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return "", nil, 0, false
	}
	value, err := strconv.ParseFloat(fields[0], 64)
	return name, labels, value, err == nil
}

// parseLabels reads `k="v",...}` into labels and returns what follows the
// closing brace.
func parseLabels(s string, labels map[string]string) (string, bool) {
	for {
		s = strings.TrimLeft(s, ", ")
		if strings.HasPrefix(s, "}") {
			return s[1:], true
		}
		key, rest, found := strings.Cut(s, `="`)
		if !found {
			return "", false
		}
		var v strings.Builder
		i := 0
		for ; i < len(rest) && rest[i] != '"'; i++ {
			if rest[i] == '\\' && i+1 < len(rest) {
				i++
				switch rest[i] {
				case 'n':
					v.WriteByte('\n')
				default:
					v.WriteByte(rest[i])
				}
				continue
			}
			v.WriteByte(rest[i])
		}
		if i == len(rest) {
			return "", false
		}
		labels[strings.TrimSpace(key)] = v.String()
		s = rest[i+1:]
	}
}

// sum adds up the buckets of metric's series that carry all of labels.
func (e exposition) sum(metric string, labels map[string]string) buckets {
	out := buckets{}
	for _, s := range e[metric] {
		if matches(s.labels, labels) {
			for le, n := range s.buckets {
				out[le] += n
			}
		}
	}
	return out
}

func matches(have, want map[string]string) bool {
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

// stagesBetween is each stage over what happened between two scrapes;
// a stage the server timed nothing for is left out.
func stagesBetween(before, after exposition) []Stage {
	var out []Stage
	for _, st := range stages {
		a, b := before.sum(st.metric, st.labels), after.sum(st.metric, st.labels)
		diff := buckets{}
		for le, n := range b {
			diff[le] = n - a[le]
		}
		n := diff[math.Inf(1)]
		if n <= 0 {
			continue
		}
		out = append(out, Stage{Name: st.name, N: int64(n), P50: diff.quantile(.5), P99: diff.quantile(.99)})
	}
	return out
}

// quantile is the q-quantile of cumulative buckets, interpolated linearly
// within the bucket it falls in, as Prometheus's histogram_quantile does:
// the first bucket starts at 0, and a quantile in the +Inf bucket is the
// highest finite bound.
func (b buckets) quantile(q float64) time.Duration {
	bounds := slices.Sorted(maps.Keys(b))
	if len(bounds) == 0 || b[bounds[len(bounds)-1]] <= 0 {
		return 0
	}
	want := q * b[bounds[len(bounds)-1]]
	lower, below := 0.0, 0.0
	for _, le := range bounds {
		n := b[le]
		if n >= want {
			if math.IsInf(le, 1) {
				return seconds(lower)
			}
			if n == below {
				return seconds(le)
			}
			return seconds(lower + (le-lower)*(want-below)/(n-below))
		}
		lower, below = le, n
	}
	return seconds(lower)
}

func seconds(s float64) time.Duration {
	return time.Duration(s * float64(time.Second)).Round(time.Microsecond)
}

// stageScrape is the server's histograms at one end of the run, or why
// they could not be read (both nil when the run reads none).
type stageScrape struct {
	exp exposition
	err error
}

func (r *run) scrapeStages(ctx context.Context) stageScrape {
	if r.cfg.Metrics == "" {
		return stageScrape{}
	}
	exp, err := scrapeMetrics(ctx, r.client, r.cfg.Metrics)
	return stageScrape{exp, err}
}

// setStages gives the result the server's stages between two scrapes, or
// a line that says why there are none.
func (res *Result) setStages(before, after stageScrape) {
	switch {
	case before.err != nil:
		res.StagesNote = "not read: " + before.err.Error()
	case after.err != nil:
		res.StagesNote = "not read: " + after.err.Error()
	case before.exp == nil || after.exp == nil:
	default:
		res.Stages = stagesBetween(before.exp, after.exp)
		if len(res.Stages) == 0 {
			res.StagesNote = "none timed between the scrapes (is it finessed's /metrics?)"
		}
	}
}

// writeStages adds the server's stages to the table.
func (res *Result) writeStages(w io.Writer) {
	if res.StagesNote != "" {
		fmt.Fprintf(w, "server stages\t%s\n", res.StagesNote)
	}
	for _, s := range res.Stages {
		fmt.Fprintf(w, "server: %s\t%v\n", s.Name, s)
	}
}
