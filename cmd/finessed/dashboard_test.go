package main

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// dashboardFile is the Grafana dashboard deploy/grafana ships.
const dashboardFile = "../../deploy/grafana/finessed.json"

// TestDashboardMetrics fails when a query of the Grafana dashboard names
// a metric that a started server (with Redis, a desktop, a REST request
// and a notification delivered, so that every labelled series exists)
// does not export.
func TestDashboardMetrics(t *testing.T) {
	data, err := os.ReadFile(dashboardFile)
	if err != nil {
		t.Fatal(err)
	}
	var dash any
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("%s: %v", dashboardFile, err)
	}
	exprs := queries(dash)
	if len(exprs) == 0 {
		t.Fatalf("%s has no queries", dashboardFile)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, srv, _ := signedInOnRedis(t, ctx)
	exported := scrape(t, srv.url("rest"))
	names := map[string]bool{}
	for series := range exported {
		name, _, _ := strings.Cut(series, "{")
		names[name] = true
	}

	for _, expr := range exprs {
		used := metricNames(expr)
		if len(used) == 0 {
			t.Errorf("query names no metric: %s", expr)
		}
		for _, name := range used {
			if !names[name] {
				t.Errorf("query names %s, which finessed does not export: %s", name, expr)
			}
		}
	}
}

// queries collects every "expr" string anywhere in a dashboard: panels'
// targets, rows' panels and all.
func queries(v any) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if s, ok := x.(string); ok && k == "expr" {
				out = append(out, s)
				continue
			}
			out = append(out, queries(x)...)
		}
	case []any:
		for _, x := range v {
			out = append(out, queries(x)...)
		}
	}
	return out
}

var (
	// What a PromQL expression holds besides metric names: strings, label
	// matchers, range and subquery durations, grouping label lists.
	promStrings  = regexp.MustCompile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")
	promMatchers = regexp.MustCompile(`\{[^}]*\}|\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[a-zA-Z_:][a-zA-Z0-9_:]*`)
	promKeywords = []string{"and", "or", "unless", "bool", "offset", "inf", "nan", "Inf", "NaN"}
)

// metricNames are the metric names a PromQL expression selects: the
// identifiers left once strings, matchers, durations and grouping lists
// are gone that are neither functions, aggregations (followed by "("),
// keywords nor part of a number.
func metricNames(expr string) []string {
	expr = promStrings.ReplaceAllString(expr, " ")
	expr = promMatchers.ReplaceAllString(expr, " ")
	expr = promGrouping.ReplaceAllString(expr, " ")
	var names []string
	for _, loc := range promIdent.FindAllStringIndex(expr, -1) {
		name := expr[loc[0]:loc[1]]
		if loc[0] > 0 && strings.ContainsRune("0123456789.", rune(expr[loc[0]-1])) {
			continue // an exponent or a unit: 1e3, 5m
		}
		if rest := strings.TrimLeft(expr[loc[1]:], " \t\n"); strings.HasPrefix(rest, "(") || slices.Contains(promKeywords, name) {
			continue
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}

func TestMetricNames(t *testing.T) {
	for expr, want := range map[string][]string{
		`min by (instance) (finesse_in_service)`:                                                                 {"finesse_in_service"},
		`max by (state) (finesse_agents{state!="LOGOUT", job=~"a|b"})`:                                           {"finesse_agents"},
		`histogram_quantile(0.99, sum by (le) (rate(finesse_redis_roundtrip_seconds_bucket[$__rate_interval])))`: {"finesse_redis_roundtrip_seconds_bucket"},
		`sum(rate(a_total[5m] offset 1h)) / on (x) group_left (y) b > bool 1e3 and c`:                            {"a_total", "b", "c"},
		`topk(5, x)`: {"x"},
	} {
		if got := metricNames(expr); !slices.Equal(got, want) {
			t.Errorf("metricNames(%s) = %v, want %v", expr, got, want)
		}
	}
}
