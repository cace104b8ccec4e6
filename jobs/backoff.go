package jobs

import (
	"math/rand/v2"
	"time"
)

// Backoff bounds.
const (
	backoffBase = time.Second
	backoffCap  = time.Hour
)

// DefaultBackoff waits about 1s after the first failed attempt and twice as
// long after each further one, up to an hour, with "equal jitter": half
// the delay fixed, half random, so that jobs that failed together do not
// retry together.
func DefaultBackoff(attempt int32) time.Duration {
	d := backoffCap
	if attempt >= 1 && attempt <= 12 { // 2^12 s passes the cap
		d = min(backoffBase<<(attempt-1), backoffCap)
	}
	half := d / 2
	return half + rand.N(half+1)
}
