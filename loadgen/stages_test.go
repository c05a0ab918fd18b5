package loadgen

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// before and after are two scrapes of a finessed /metrics, cut down to
// the stage histograms and a few lines around them, as the server writes
// them (route templates hold braces; le comes last).
const before = `# HELP finesse_commit_duration_seconds How long an engine transaction takes to commit, its work included.
# TYPE finesse_commit_duration_seconds histogram
finesse_commit_duration_seconds_bucket{le="0.0001"} 10
finesse_commit_duration_seconds_bucket{le="0.00025"} 20
finesse_commit_duration_seconds_bucket{le="0.0005"} 30
finesse_commit_duration_seconds_bucket{le="0.001"} 40
finesse_commit_duration_seconds_bucket{le="+Inf"} 40
finesse_commit_duration_seconds_sum 0.01
finesse_commit_duration_seconds_count 40
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="202",le="0.001"} 5
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="202",le="0.01"} 5
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="202",le="+Inf"} 5
finesse_http_request_duration_seconds_bucket{method="GET",route="/finesse/api/User/{id}",status="200",le="0.001"} 0
finesse_http_request_duration_seconds_bucket{method="GET",route="/finesse/api/User/{id}",status="200",le="0.01"} 0
finesse_http_request_duration_seconds_bucket{method="GET",route="/finesse/api/User/{id}",status="200",le="+Inf"} 0
finesse_xmpp_write_latency_seconds_bucket{transport="tcp",le="0.001"} 0
finesse_xmpp_write_latency_seconds_bucket{transport="tcp",le="0.01"} 0
finesse_xmpp_write_latency_seconds_bucket{transport="tcp",le="+Inf"} 0
go_goroutines 42
`

const after = `# TYPE finesse_commit_duration_seconds histogram
finesse_commit_duration_seconds_bucket{le="0.0001"} 60
finesse_commit_duration_seconds_bucket{le="0.00025"} 110
finesse_commit_duration_seconds_bucket{le="0.0005"} 130
finesse_commit_duration_seconds_bucket{le="0.001"} 140
finesse_commit_duration_seconds_bucket{le="+Inf"} 140
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="202",le="0.001"} 84
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="202",le="0.01"} 104
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="202",le="+Inf"} 104
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="400",le="0.001"} 1
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="400",le="0.01"} 1
finesse_http_request_duration_seconds_bucket{method="PUT",route="/finesse/api/User/{id}",status="400",le="+Inf"} 1
finesse_http_request_duration_seconds_bucket{method="GET",route="/finesse/api/User/{id}",status="200",le="0.001"} 1000
finesse_http_request_duration_seconds_bucket{method="GET",route="/finesse/api/User/{id}",status="200",le="0.01"} 1000
finesse_http_request_duration_seconds_bucket{method="GET",route="/finesse/api/User/{id}",status="200",le="+Inf"} 1000
finesse_xmpp_write_latency_seconds_bucket{transport="tcp",le="0.001"} 0
finesse_xmpp_write_latency_seconds_bucket{transport="tcp",le="0.01"} 98
finesse_xmpp_write_latency_seconds_bucket{transport="tcp",le="+Inf"} 100
this line is not an exposition line
go_goroutines 42
`

func scrape(t *testing.T, text string) exposition {
	t.Helper()
	e, err := parseExposition(strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestStagesBetweenScrapes(t *testing.T) {
	got := map[string]Stage{}
	for _, s := range stagesBetween(scrape(t, before), scrape(t, after)) {
		got[s.Name] = s
	}
	want := map[string]Stage{
		// 100 commits: 50 under 100µs, 40 more under 250µs, 10 under 500µs.
		// p50 is the first bucket's top; p99 is 9 of the last 10 into
		// (250µs, 500µs].
		"commit": {Name: "commit", N: 100, P50: 100 * time.Microsecond, P99: 475 * time.Microsecond},
		// 80 PUTs answered 202 and 1 answered 400 under 1ms, 20 under
		// 10ms; the GETs are another route's method and left out.
		"PUT User handler": {Name: "PUT User handler", N: 100, P50: 625 * time.Microsecond, P99: 9550 * time.Microsecond},
		// 98 under 10ms and 2 beyond the last finite bound: p99 is that
		// bound, as histogram_quantile gives it.
		"dispatch -> written, tcp": {Name: "dispatch -> written, tcp", N: 100, P50: 5592 * time.Microsecond, P99: 10 * time.Millisecond},
	}
	if len(got) != len(want) {
		t.Errorf("stages %v, want only %v (the others timed nothing)", got, want)
	}
	for name, w := range want {
		if got[name] != w {
			t.Errorf("%s: %+v, want %+v", name, got[name], w)
		}
	}
}

func TestParseSampleReadsQuotedLabels(t *testing.T) {
	name, labels, value, ok := parseSample(`m_bucket{route="/a/{id}",note="say \"hi\", then }",le="+Inf"} 7 1700000000`)
	if !ok || name != "m_bucket" || value != 7 {
		t.Fatalf("parseSample: %q %v %v %v", name, labels, value, ok)
	}
	if labels["route"] != "/a/{id}" || labels["note"] != `say "hi", then }` || labels["le"] != "+Inf" {
		t.Errorf("labels %q", labels)
	}
	for _, bad := range []string{"", "# HELP m x", `m{le="1} 3`, "m{le=1} 3", "m_bucket{le=\"1\"}", "m nope"} {
		if _, _, _, ok := parseSample(bad); ok {
			t.Errorf("parseSample(%q) read it", bad)
		}
	}
}

func TestQuantileOfNothing(t *testing.T) {
	if q := (buckets{}).quantile(.99); q != 0 {
		t.Errorf("empty: %v", q)
	}
}

func TestScrapeMetricsSaysWhyNot(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := scrapeMetrics(context.Background(), srv.Client(), srv.URL+"/metrics")
	if err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: %v", err)
	}
	var res Result
	res.setStages(stageScrape{err: errors.New("dial tcp 127.0.0.1:9: connection refused")}, stageScrape{})
	var out strings.Builder
	res.writeStages(&out)
	if got := out.String(); got != "server stages\tnot read: dial tcp 127.0.0.1:9: connection refused\n" {
		t.Errorf("unreachable: %q", got)
	}
}

func TestScrapeMetricsOverHTTP(t *testing.T) {
	text := before
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(text)) }))
	defer srv.Close()
	var a, b stageScrape
	a.exp, a.err = scrapeMetrics(context.Background(), srv.Client(), srv.URL)
	text = after
	b.exp, b.err = scrapeMetrics(context.Background(), srv.Client(), srv.URL)
	var res Result
	res.setStages(a, b)
	if res.StagesNote != "" || len(res.Stages) != 3 {
		t.Errorf("stages %+v, note %q", res.Stages, res.StagesNote)
	}
}
