package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// parseCPUs reads a CPU list as taskset -c takes it: "1", "0,2", "2-3".
func parseCPUs(list string) (unix.CPUSet, error) {
	var set unix.CPUSet
	for part := range strings.SplitSeq(list, ",") {
		lo, hi, isRange := strings.Cut(strings.TrimSpace(part), "-")
		if !isRange {
			hi = lo
		}
		first, err1 := strconv.Atoi(lo)
		last, err2 := strconv.Atoi(hi)
		if err1 != nil || err2 != nil || first < 0 || last < first || last >= 1024 {
			return set, fmt.Errorf("-pin %q: want CPU numbers such as 1, 0,2 or 2-3", list)
		}
		for cpu := first; cpu <= last; cpu++ {
			set.Set(cpu)
		}
	}
	return set, nil
}

// pinTo keeps this process on the CPUs of list, so that a load run's
// generator stays off the server's cores and a figure says whose time it
// is. Linux pins threads, not processes: every thread there is now is
// pinned, and those the runtime starts later inherit the mask of the
// thread that starts them. GOMAXPROCS follows the CPUs given.
func pinTo(list string) error {
	set, err := parseCPUs(list)
	if err != nil {
		return err
	}
	// A thread started while the first pass runs is caught by the next.
	for pinned := map[int]bool{}; ; {
		tids, err := threads()
		if err != nil {
			return err
		}
		fresh := 0
		for _, tid := range tids {
			if pinned[tid] {
				continue
			}
			if err := unix.SchedSetaffinity(tid, &set); err != nil && err != unix.ESRCH {
				return fmt.Errorf("-pin %s: %w (is every CPU of it online? this machine has %d)", list, err, runtime.NumCPU())
			}
			pinned[tid], fresh = true, fresh+1
		}
		if fresh == 0 {
			break
		}
	}
	runtime.GOMAXPROCS(set.Count())
	return nil
}

// threads lists this process's threads.
func threads() ([]int, error) {
	entries, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return nil, fmt.Errorf("-pin: listing this process's threads: %w", err)
	}
	var tids []int
	for _, e := range entries {
		if tid, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, tid)
		}
	}
	return tids, nil
}
