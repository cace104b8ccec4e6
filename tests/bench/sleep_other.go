//go:build !linux

package main

import "time"

// sleepUntil blocks until t (to the runtime timers' precision).
func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }

func preciseSleeps() {}
