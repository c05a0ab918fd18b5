package main

import (
	"runtime"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

func TestParseCPUs(t *testing.T) {
	for list, want := range map[string][]int{"1": {1}, "0,2": {0, 2}, "2-3": {2, 3}, "0, 4-5": {0, 4, 5}} {
		set, err := parseCPUs(list)
		if err != nil {
			t.Errorf("%q: %v", list, err)
			continue
		}
		if set.Count() != len(want) {
			t.Errorf("%q: %d CPUs, want %v", list, set.Count(), want)
		}
		for _, cpu := range want {
			if !set.IsSet(cpu) {
				t.Errorf("%q: CPU %d not in the set", list, cpu)
			}
		}
	}
	for _, bad := range []string{"", "one", "-1", "3-2", "1,", "0-", "5000"} {
		if _, err := parseCPUs(bad); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
}

// pinTo pins every thread of the process, those started after it
// included, and GOMAXPROCS follows.
func TestPinToPinsEveryThread(t *testing.T) {
	var was unix.CPUSet
	if err := unix.SchedGetaffinity(0, &was); err != nil {
		t.Skip(err)
	}
	procs := runtime.GOMAXPROCS(0)
	t.Cleanup(func() {
		tids, _ := threads()
		for _, tid := range tids {
			unix.SchedSetaffinity(tid, &was)
		}
		runtime.GOMAXPROCS(procs)
	})
	cpu := 0
	for !was.IsSet(cpu) {
		cpu++
	}
	if err := pinTo(strconv.Itoa(cpu)); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { // a locked goroutine may get a thread of its own
		runtime.LockOSThread()
		<-done
	}()
	defer close(done)
	tids, err := threads()
	if err != nil {
		t.Fatal(err)
	}
	for _, tid := range tids {
		var set unix.CPUSet
		if err := unix.SchedGetaffinity(tid, &set); err != nil {
			continue // gone since
		}
		if set.Count() != 1 || !set.IsSet(cpu) {
			t.Errorf("thread %d may run on %d CPUs, want only CPU %d", tid, set.Count(), cpu)
		}
	}
	if got := runtime.GOMAXPROCS(0); got != 1 {
		t.Errorf("GOMAXPROCS %d, want 1", got)
	}
	if err := pinTo("1023"); err == nil {
		t.Error("a CPU this machine does not have was accepted")
	}
}
