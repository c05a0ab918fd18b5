package loadgen

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sample is one reading, during a long run, of what a leak would show:
// the server's memory, goroutines and open descriptors, beside what the
// run had delivered and lost so far.
type Sample struct {
	At                 time.Duration // since the run started
	RSS                int64         // bytes, -1 when unknown
	Goroutines, FDs    int           // -1 when unknown
	Received, Expected int64
}

// sampleEvery reads a Sample every cfg.Sample until ctx ends, printing
// each to progress as it comes.
func (r *run) sampleEvery(ctx context.Context, progress io.Writer) {
	if r.cfg.Sample <= 0 {
		return
	}
	tick := time.NewTicker(r.cfg.Sample)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return
		}
		s := r.sample(ctx)
		r.samplesMu.Lock()
		r.taken = append(r.taken, s)
		r.samplesMu.Unlock()
		fmt.Fprintf(progress, "sample %s\n", s)
	}
}

func (r *run) sample(ctx context.Context) Sample {
	s := Sample{At: time.Since(r.start).Round(time.Second), RSS: -1, Goroutines: -1, FDs: -1,
		Received: r.track.received.Load(), Expected: r.track.expected.Load()}
	if p := readProc(r.cfg.ServerPID); p != nil {
		s.RSS = p.rss
	}
	if entries, err := os.ReadDir("/proc/" + strconv.Itoa(r.cfg.ServerPID) + "/fd"); err == nil && r.cfg.ServerPID > 0 {
		s.FDs = len(entries)
	}
	s.Goroutines = r.serverGoroutines(ctx)
	return s
}

// serverGoroutines reads go_goroutines from the server's /metrics
// (Config.Metrics, else the REST base's), -1 when it does not answer.
func (r *run) serverGoroutines(ctx context.Context) int {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cmp.Or(r.cfg.Metrics, r.cfg.REST+"/metrics"), nil)
	if err != nil {
		return -1
	}
	resp, err := r.client.Do(req)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	lines := bufio.NewScanner(resp.Body)
	for lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), "go_goroutines "); ok {
			n, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return int(n)
			}
		}
	}
	return -1
}

func (s Sample) String() string {
	rss := "?"
	if s.RSS >= 0 {
		rss = strconv.FormatInt(s.RSS>>20, 10) + "MB"
	}
	return fmt.Sprintf("t=%s rss=%s goroutines=%d fds=%d notifications=%d/%d",
		s.At, rss, s.Goroutines, s.FDs, s.Received, s.Expected)
}

// sampleLog is the run's readings so far.
type sampleLog struct {
	samplesMu sync.Mutex
	taken     []Sample
}
