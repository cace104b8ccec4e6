package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/larderhq/larder/db"
)

// A worker with no pool: enough to run handlers and decide outcomes.
func testWorker(t *testing.T, reg *Registry) *Worker {
	t.Helper()
	w, err := NewWorker(nil, reg, Config{
		Logger:  slog.New(slog.NewTextHandler(io.Discard, nil)),
		Backoff: func(attempt int32) time.Duration { return time.Duration(attempt) * time.Minute },
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

type greeting struct {
	Name string `json:"name" validate:"required"`
}

func TestARunsOutcomeFollowsItsHandler(t *testing.T) {
	reg := NewRegistry()
	Handle(reg, "test.ok", func(context.Context, Job[greeting]) error { return nil })
	Handle(reg, "test.fail", func(context.Context, Job[greeting]) error { return errors.New("boom") })
	Handle(reg, "test.cancel", func(context.Context, Job[greeting]) error { return Cancel(errors.New("gone")) })
	Handle(reg, "test.snooze", func(context.Context, Job[greeting]) error { return Snooze(time.Hour) })
	Handle(reg, "test.later", func(context.Context, Job[greeting]) error { return RetryAfter(30*time.Second, errors.New("busy")) })
	Handle(reg, "test.nul", func(context.Context, Job[greeting]) error { return errors.New("before \x00after") })
	Handle(reg, "test.panic", func(context.Context, Job[greeting]) error { panic("at the disco") })
	Handle(reg, "test.slow", func(ctx context.Context, _ Job[greeting]) error { <-ctx.Done(); return ctx.Err() })
	w := testWorker(t, reg)
	good := json.RawMessage(`{"name":"Ada"}`)
	ms := int32(10)

	for _, tc := range []struct {
		name      string
		job       db.FetchedJob
		state     db.JobState
		delay     time.Duration
		snoozed   bool
		errorHave string // in the history entry; "" for none
	}{
		{"done", db.FetchedJob{Kind: "test.ok", Payload: good}, db.JobStateCompleted, 0, false, ""},
		{"retried with backoff", db.FetchedJob{Kind: "test.fail", Payload: good}, db.JobStatePending, 2 * time.Minute, false, `"error":"boom"`},
		{"last attempt", db.FetchedJob{Kind: "test.fail", Payload: good, Attempt: 3, MaxAttempts: 3}, db.JobStateDiscarded, 0, false, `"attempt":3`},
		{"cancelled", db.FetchedJob{Kind: "test.cancel", Payload: good}, db.JobStateCancelled, 0, false, "cancelled: gone"},
		{"retry after", db.FetchedJob{Kind: "test.later", Payload: good}, db.JobStatePending, 30 * time.Second, false, `"error":"busy (retry after 30s)"`},
		{"retry after, last attempt", db.FetchedJob{Kind: "test.later", Payload: good, Attempt: 3, MaxAttempts: 3}, db.JobStateDiscarded, 0, false, "busy"},
		{"snoozed", db.FetchedJob{Kind: "test.snooze", Payload: good}, db.JobStatePending, time.Hour, true, ""},
		{"panic", db.FetchedJob{Kind: "test.panic", Payload: good}, db.JobStatePending, 2 * time.Minute, false, `"trace":"goroutine`},
		{"timed out", db.FetchedJob{Kind: "test.slow", Payload: good, TimeoutMs: &ms}, db.JobStatePending, 2 * time.Minute, false, "timed out after 10ms"},
		{"an error with a NUL", db.FetchedJob{Kind: "test.nul", Payload: good}, db.JobStatePending, 2 * time.Minute, false, `"error":"before after"`},
		{"no handler", db.FetchedJob{Kind: "test.unknown", Payload: good}, db.JobStatePending, 2 * time.Minute, false, `no handler for kind \"test.unknown\"`},
		{"payload does not decode", db.FetchedJob{Kind: "test.ok", Payload: json.RawMessage(`[1]`)}, db.JobStateDiscarded, 0, false, "does not decode into jobs.greeting"},
		{"payload invalid", db.FetchedJob{Kind: "test.ok", Payload: json.RawMessage(`{}`)}, db.JobStateDiscarded, 0, false, "invalid payload: name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			job := tc.job
			job.ID = 7
			if job.Attempt == 0 {
				job.Attempt, job.MaxAttempts = 2, 25
			}
			o, ok := w.execute(context.Background(), job)
			if !ok {
				t.Fatal("no outcome to record")
			}
			if o.ID != 7 || o.Attempt != job.Attempt || o.State != tc.state || o.Delay != tc.delay || o.Snoozed != tc.snoozed {
				t.Errorf("outcome %+v, want %s after %v (snoozed %v)", o, tc.state, tc.delay, tc.snoozed)
			}
			if tc.errorHave == "" && o.Error != nil || tc.errorHave != "" && !strings.Contains(string(o.Error), tc.errorHave) {
				t.Errorf("error entry %s, want one with %s", o.Error, tc.errorHave)
			}
		})
	}
}

func TestARunCutShortByTheWorker(t *testing.T) {
	w := testWorker(t, NewRegistry())
	job := db.FetchedJob{ID: 7, Attempt: 1, MaxAttempts: 25}
	cut := context.Canceled

	if _, ok := w.outcome(job, cut, ErrLeaseLost); ok {
		t.Error("a job whose lease was lost is another worker's: nothing to record")
	}
	if o, _ := w.outcome(job, cut, ErrShutdown); o.State != db.JobStatePending || !o.Snoozed || o.Delay != 0 {
		t.Errorf("shutdown: %+v, want pending at once with the attempt given back", o)
	}
	if o, _ := w.outcome(job, cut, ErrCancelRequested); o.State != db.JobStateCancelled || !strings.Contains(string(o.Error), "cancelled on request") {
		t.Errorf("cancel requested: %+v", o)
	}
	if o, _ := w.outcome(job, nil, ErrShutdown); o.State != db.JobStateCompleted {
		t.Errorf("a handler that finished anyway: %+v", o)
	}
}

func TestARegistryWithAKindHandledTwiceStopsTheWorker(t *testing.T) {
	reg := NewRegistry()
	Handle(reg, "test.x", func(context.Context, Job[struct{}]) error { return nil })
	Handle(reg, "test.x", func(context.Context, Job[struct{}]) error { return nil })
	if _, err := NewWorker(nil, reg, Config{}); err == nil || !strings.Contains(err.Error(), `kind "test.x" is handled twice`) {
		t.Errorf("NewWorker: %v", err)
	}
}

func TestNewWorkerChecksItsConfig(t *testing.T) {
	c := NewClient()
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{Queues: map[string]int{"mail": 0}}, `queue "mail" needs a name and a concurrency of 1 or more`},
		{Config{Queues: map[string]int{"": 5}}, `queue "" needs a name`},
		{Config{Periodic: []Periodic{Every(time.Hour, c.Job("test.x")), Every(time.Minute, c.Job("test.x"))}}, `two periodic jobs are named "test.x"`},
		{Config{Periodic: []Periodic{Cron("nonsense", c.Job("test.x"))}}, `cron "nonsense"`},
	} {
		if _, err := NewWorker(nil, NewRegistry(), tc.cfg); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.cfg, err, tc.want)
		}
	}
}
