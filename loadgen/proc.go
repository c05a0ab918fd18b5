package loadgen

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// ProcStats is the server process's memory and CPU over a run, as /proc
// reports them.
type ProcStats struct {
	RSS, PeakRSS int64   // bytes, at the end and the highest since it started
	CPU          float64 // cores busy on average over the run (1.0 = one core)
}

// procSample is one reading of a process's counters.
type procSample struct {
	at        time.Time
	ticks     int64 // user + system CPU, in clock ticks
	rss, peak int64
}

// clockTicks is USER_HZ, 100 on every Linux this runs on.
const clockTicks = 100

// readProc reads pid's counters, or nil when there is no such process
// here (pid 0, another machine, not Linux).
func readProc(pid int) *procSample {
	if pid <= 0 {
		return nil
	}
	dir := "/proc/" + strconv.Itoa(pid)
	stat, err := os.ReadFile(dir + "/stat")
	if err != nil {
		return nil
	}
	// Fields after the command name, which is in parentheses and may hold
	// spaces: utime and stime are the 12th and 13th of them.
	fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
	if len(fields) < 13 {
		return nil
	}
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	s := &procSample{at: time.Now(), ticks: utime + stime}
	status, err := os.ReadFile(dir + "/status")
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(status), "\n") {
		name, value, _ := strings.Cut(line, ":")
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		switch name {
		case "VmRSS":
			s.rss = kb << 10
		case "VmHWM":
			s.peak = kb << 10
		}
	}
	return s
}

func procStats(before, after *procSample) *ProcStats {
	if before == nil || after == nil {
		return nil
	}
	secs := after.at.Sub(before.at).Seconds()
	cpu := 0.0
	if secs > 0 {
		cpu = float64(after.ticks-before.ticks) / clockTicks / secs
	}
	return &ProcStats{RSS: after.rss, PeakRSS: after.peak, CPU: cpu}
}

// FindProcess returns the pid of the one process here named name, or 0
// when there is none or more than one.
func FindProcess(name string) int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	found := 0
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		comm, err := os.ReadFile("/proc/" + e.Name() + "/comm")
		if err != nil || strings.TrimSpace(string(comm)) != name {
			continue
		}
		if found != 0 {
			return 0
		}
		found = pid
	}
	return found
}
