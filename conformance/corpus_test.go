package conformance

import (
	"context"
	"strings"
	"testing"
)

// TestCorpus replays every scenario of the corpus against a fresh
// in-process server, once per desktop transport.
func TestCorpus(t *testing.T) {
	scenarios, err := LoadDir("scenarios")
	if err != nil {
		t.Fatal(err)
	}
	if len(scenarios) == 0 {
		t.Fatal("no scenarios in scenarios/")
	}
	for _, transport := range transports {
		t.Run(transport, func(t *testing.T) {
			for _, sc := range scenarios {
				t.Run(strings.TrimSuffix(fileName(sc.file), ".yaml"), func(t *testing.T) {
					res := startServer(t).target(transport).Run(context.Background(), sc)
					if res.Failed() {
						var b strings.Builder
						WriteText(&b, res)
						t.Fatal(b.String())
					}
					if res.Skipped != "" {
						t.Skip(res.Skipped)
					}
				})
			}
		})
	}
}
