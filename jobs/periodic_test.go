package jobs

import (
	"strings"
	"testing"
	"time"
)

func TestEveryRunsAtMultiplesOfItsPeriod(t *testing.T) {
	c := NewClient()
	day := Every(24*time.Hour, c.Job("test.daily"))
	at := time.Date(2026, 11, 25, 13, 30, 0, 0, time.UTC)
	if got, want := day.next(at), time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("daily after %v: %v, want %v", at, got, want)
	}
	quarter := Every(15*time.Minute, c.Job("test.quarter"))
	if got, want := quarter.next(at), at.Add(15*time.Minute); !got.Equal(want) {
		t.Errorf("a run is strictly after: %v, want %v", got, want)
	}
	if day.name != "test.daily" || day.Named("other").name != "other" {
		t.Errorf("names: %q, %q", day.name, day.Named("other").name)
	}
}

func TestCronRunsAtItsTimesInUTC(t *testing.T) {
	p := Cron("0 6 * * *", NewClient().Job("test.digest"))
	if err := p.check(); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 7, 0, 0, 0, time.FixedZone("CET", 3600)) // 06:00 UTC
	if got, want := p.next(at), time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("after %v: %v, want %v", at, got, want)
	}
}

func TestAPeriodicJobThatCannotRunIsReported(t *testing.T) {
	c := NewClient()
	for _, tc := range []struct {
		p    Periodic
		want string
	}{
		{Every(0, c.Job("test.x")), "a period of 0s"},
		{Cron("61 * * * *", c.Job("test.x")), `cron "61 * * * *"`},
		{Every(time.Hour, c.Job("")).Named(""), "needs a name"},
		{Every(time.Hour, c.Job("test.x").Priority(9)), "priority must be 1 (first) to 4"},
	} {
		err := tc.p.check()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.p, err, tc.want)
		}
	}
}
