package jobs

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestBuilderMethodsReturnChangedCopies(t *testing.T) {
	base := NewClient().Job("test.x")
	varied := base.Queue("mail").Priority(2).MaxAttempts(3).UniqueBy("k").Timeout(time.Second).In(time.Minute)
	if base.job.Queue != "" || base.job.Priority != 0 || base.job.UniqueKey != "" {
		t.Errorf("the base changed: %+v", base.job)
	}
	j := varied.job
	if j.Queue != "mail" || j.Priority != 2 || j.MaxAttempts != 3 || j.UniqueKey != "k" || varied.timeout != time.Second || varied.delay != time.Minute {
		t.Errorf("varied: %+v", varied)
	}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	if b := varied.At(at); b.job.RunAt == nil || !b.job.RunAt.Equal(at) || b.delay != 0 {
		t.Errorf("At after In: %+v", b)
	}
	if b := varied.At(at).In(time.Second); b.job.RunAt != nil || b.delay != time.Second {
		t.Errorf("In after At: %+v", b)
	}
}

func TestBuilderCheckNamesTheBrokenRule(t *testing.T) {
	c := NewClient()
	for _, tc := range []struct {
		b    Builder
		want string
	}{
		{c.Job(""), "kind must be 1 to 100 characters"},
		{c.Job(strings.Repeat("k", 101)), "kind must be 1 to 100 characters"},
		{c.Job("x").Queue(strings.Repeat("q", 101)), "queue must be at most 100"},
		{c.Job("x").Priority(5), "priority must be 1 (first) to 4, not 5"},
		{c.Job("x").MaxAttempts(-1), "max attempts must be 1 to 1000, not -1"},
		{c.Job("x").UniqueBy(strings.Repeat("u", 201)), "unique key must be at most 200"},
		{c.Job("x").Timeout(25 * time.Hour), "timeout must be at most 24h0m0s"},
		{c.Job("x").In(-time.Second), "In needs a delay of zero or more"},
		{c.Job("x").Payload(func() {}), "payload: json: unsupported type"},
	} {
		err := tc.b.check()
		if !errors.Is(err, ErrInvalidJob) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want ErrInvalidJob with %q", tc.b.job, err, tc.want)
		}
	}
	if err := c.Job("x").Payload(map[string]int{"n": 1}).check(); err != nil {
		t.Errorf("a valid job: %v", err)
	}
	if err := c.Job("x").Payload(func() {}).Payload(1).check(); err != nil {
		t.Errorf("a later good payload replaces a bad one: %v", err)
	}
}
