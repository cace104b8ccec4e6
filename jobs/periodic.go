package jobs

import (
	"errors"
	"fmt"
	"time"
)

// Periodic is a job enqueued once per period, however many workers run it:
// each period's enqueue claims the schedule's row in the job_schedules
// table, so only one worker makes it.
type Periodic struct {
	name string
	job  Builder
	next func(after time.Time) time.Time // the first run strictly after
	err  error
}

// Every enqueues job at each multiple of d (since year 1, so 24h is each
// midnight UTC). The schedule is named after the job's kind.
func Every(d time.Duration, job Builder) Periodic {
	p := Periodic{name: job.job.Kind, job: job, next: func(after time.Time) time.Time { return after.Truncate(d).Add(d) }}
	if d <= 0 {
		p.err = fmt.Errorf("periodic %q: a period of %v", p.name, d)
	}
	return p
}

// Cron enqueues job at the times of a standard five-field cron expression
// in UTC ("0 6 * * *": 06:00 each day; "*/15 9-17 * * mon-fri"; the
// descriptors @hourly, @daily, @weekly, @monthly and @yearly too; cron.go
// has the whole syntax). The schedule is named after the job's kind.
func Cron(expr string, job Builder) Periodic {
	p := Periodic{name: job.job.Kind, job: job}
	sched, err := parseCron(expr)
	if err != nil {
		p.err = fmt.Errorf("periodic %q: cron %q: %w", p.name, expr, err)
		return p
	}
	p.next = sched.next
	return p
}

// Named names the schedule (the job's kind by default): two schedules of
// one kind need names of their own.
func (p Periodic) Named(name string) Periodic {
	p.name = name
	return p
}

func (p Periodic) check() error {
	if p.err != nil {
		return p.err
	}
	if p.name == "" {
		return errors.New("a periodic job needs a name")
	}
	if err := p.job.check(); err != nil {
		return fmt.Errorf("periodic %q: %w", p.name, err)
	}
	return nil
}
