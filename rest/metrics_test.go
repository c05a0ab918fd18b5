package rest_test

import (
	"crypto/rand"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func TestMetricsFoldMethods(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var names []string
	for range 20 {
		name := "X" + strings.ToUpper(rand.Text())
		names = append(names, name)
		e.do(name, "", "/finesse/api/User/1001", "")
		e.do(name, "", "/no/such/"+name, "")
	}
	rec := httptest.NewRecorder()
	promhttp.HandlerFor(e.reg, promhttp.HandlerOpts{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	out, _ := io.ReadAll(rec.Body)
	for _, name := range names {
		if strings.Contains(string(out), name) {
			t.Fatalf("/metrics names the method %s", name)
		}
	}
	if !strings.Contains(string(out), `method="other"`) {
		t.Errorf("/metrics has no method=\"other\" series:\n%s", out)
	}
}
