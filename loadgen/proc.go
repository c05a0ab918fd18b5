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

// ListenerPID returns the pid of the process here that listens on TCP
// port, found by the socket rather than by a name: the listening socket's
// inode in /proc/net/tcp (or tcp6), then the process holding a descriptor
// on it. It is 0 when none can be seen: the server on another machine or
// in another network namespace, a process of another user, not Linux.
func ListenerPID(port int) int {
	inodes := map[string]bool{}
	for _, table := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(table)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(data), "\n")[1:] {
			// sl local_address rem_address st ... uid timeout inode
			f := strings.Fields(line)
			if len(f) < 10 || f[3] != "0A" { // 0A: LISTEN
				continue
			}
			_, hexPort, _ := strings.Cut(f[1], ":")
			if p, err := strconv.ParseUint(hexPort, 16, 16); err == nil && int(p) == port && f[9] != "0" {
				inodes["socket:["+f[9]+"]"] = true
			}
		}
	}
	if len(inodes) == 0 {
		return 0
	}
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	for _, e := range procs {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		dir := "/proc/" + e.Name() + "/fd/"
		fds, err := os.ReadDir(dir)
		if err != nil {
			continue // another user's, or gone
		}
		for _, fd := range fds {
			if target, err := os.Readlink(dir + fd.Name()); err == nil && inodes[target] {
				return pid
			}
		}
	}
	return 0
}
