package testdb

import (
	"testing"
	"time"
)

// Eventually polls cond, every 20ms, until it holds, and fails the test
// after a minute: for states that work in other goroutines or processes
// (a job worker) must reach in the database. No test sleeps a fixed time.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
