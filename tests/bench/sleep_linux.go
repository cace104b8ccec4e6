package main

import (
	"runtime"
	"syscall"
	"time"
)

// preciseSleeps readies the calling goroutine for sleepUntil: it keeps to
// its thread, and the thread's timer slack (50 µs by default, added to
// every sleep) goes down to 1 ns.
func preciseSleeps() {
	runtime.LockOSThread()
	const prSetTimerSlack = 29
	syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerSlack, 1, 0)
}

// sleepUntil blocks its thread until t. The runtime's timers wake an idle
// process no sooner than a millisecond after a shorter sleep was due (its
// poller waits in whole milliseconds), which would make a 200 µs round
// trip one of 2 ms; nanosleep keeps to the microsecond.
func sleepUntil(t time.Time) {
	d := time.Until(t)
	if d <= 0 {
		return
	}
	ts := syscall.NsecToTimespec(int64(d))
	for syscall.Nanosleep(&ts, &ts) == syscall.EINTR {
	}
}
