package jobs

import (
	"testing"
	"time"
)

func TestDefaultBackoffDoublesWithJitterUpToAnHour(t *testing.T) {
	for attempt, full := range map[int32]time.Duration{
		0: time.Hour, 1: time.Second, 2: 2 * time.Second, 5: 16 * time.Second,
		12: 2048 * time.Second, 13: time.Hour, 1000: time.Hour, -1: time.Hour,
	} {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := DefaultBackoff(attempt)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: %v is outside [%v, %v]", attempt, d, full/2, full)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter in 200 draws", attempt)
		}
	}
}
