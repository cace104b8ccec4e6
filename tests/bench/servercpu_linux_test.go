package main

import (
	"os"
	"runtime"
	"syscall"
	"testing"
	"time"
)

func TestProcStatReadsThisProcess(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc here")
	}
	comm, parent, err := procStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if parent != os.Getppid() {
		t.Fatalf("parent %d, want %d", parent, os.Getppid())
	}
	if comm == "" {
		t.Fatal("no command name")
	}
	// schedstat counts one thread (a process's, its first thread's: all
	// of a PostgreSQL process): the test's own, locked to it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	thread := syscall.Gettid()
	used, err := cpuTime(thread)
	if err != nil {
		t.Fatal(err)
	}
	// The kernel adds up a running thread's time at its scheduler's
	// ticks: work for a good many of them.
	sum := 0
	for start := time.Now(); time.Since(start) < 100*time.Millisecond; {
		sum++
	}
	after, err := cpuTime(thread)
	if err != nil {
		t.Fatal(err)
	}
	if used <= 0 || after <= used {
		t.Fatalf("CPU time %v, then %v after a loop (sum %d): want it positive and growing", used, after, sum)
	}
}

func TestProcStatOfNoProcessFails(t *testing.T) {
	if _, _, err := procStat(-1); err == nil {
		t.Fatal("no error for pid -1")
	}
}
