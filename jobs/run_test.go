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

	"github.com/larderhq/larder/jobs/store"
)

// A worker with no pool: enough to run handlers and decide outcomes.
func testWorker(t testing.TB, reg *Registry) *Worker {
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
		job       store.FetchedJob
		state     store.JobState
		delay     time.Duration
		snoozed   bool
		errorHave string // in the history entry; "" for none
	}{
		{"done", store.FetchedJob{Kind: "test.ok", Payload: good}, store.JobStateCompleted, 0, false, ""},
		{"retried with backoff", store.FetchedJob{Kind: "test.fail", Payload: good}, store.JobStatePending, 2 * time.Minute, false, `"error":"boom"`},
		{"last attempt", store.FetchedJob{Kind: "test.fail", Payload: good, Attempt: 3, MaxAttempts: 3}, store.JobStateDiscarded, 0, false, `"attempt":3`},
		{"cancelled", store.FetchedJob{Kind: "test.cancel", Payload: good}, store.JobStateCancelled, 0, false, "cancelled: gone"},
		{"retry after", store.FetchedJob{Kind: "test.later", Payload: good}, store.JobStatePending, 30 * time.Second, false, `"error":"busy (retry after 30s)"`},
		{"retry after, last attempt", store.FetchedJob{Kind: "test.later", Payload: good, Attempt: 3, MaxAttempts: 3}, store.JobStateDiscarded, 0, false, "busy"},
		{"snoozed", store.FetchedJob{Kind: "test.snooze", Payload: good}, store.JobStatePending, time.Hour, true, ""},
		{"panic", store.FetchedJob{Kind: "test.panic", Payload: good}, store.JobStatePending, 2 * time.Minute, false, `"trace":"goroutine`},
		{"timed out", store.FetchedJob{Kind: "test.slow", Payload: good, TimeoutMs: &ms}, store.JobStatePending, 2 * time.Minute, false, "timed out after 10ms"},
		{"an error with a NUL", store.FetchedJob{Kind: "test.nul", Payload: good}, store.JobStatePending, 2 * time.Minute, false, `"error":"before after"`},
		{"no handler", store.FetchedJob{Kind: "test.unknown", Payload: good}, store.JobStatePending, 2 * time.Minute, false, `no handler for kind \"test.unknown\"`},
		{"payload does not decode", store.FetchedJob{Kind: "test.ok", Payload: json.RawMessage(`[1]`)}, store.JobStateDiscarded, 0, false, "does not decode into jobs.greeting"},
		{"payload invalid", store.FetchedJob{Kind: "test.ok", Payload: json.RawMessage(`{}`)}, store.JobStateDiscarded, 0, false, "invalid payload: name"},
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
	job := store.FetchedJob{ID: 7, Attempt: 1, MaxAttempts: 25}
	cut := context.Canceled

	if _, end := w.outcome(job, cut, ErrLeaseLost); end.Outcome != OutcomeLeaseLost {
		t.Error("a job whose lease was lost is another worker's: nothing to record")
	}
	if o, end := w.outcome(job, cut, ErrShutdown); o.State != store.JobStatePending || !o.Snoozed || o.Delay != 0 || end.Outcome != OutcomeShutdown {
		t.Errorf("shutdown: %+v (%v), want pending at once with the attempt given back", o, end.Outcome)
	}
	if o, end := w.outcome(job, cut, ErrCancelRequested); o.State != store.JobStateCancelled || !strings.Contains(string(o.Error), "cancelled on request") || end.Outcome != OutcomeCancelled {
		t.Errorf("cancel requested: %+v (%v)", o, end.Outcome)
	}
	if o, end := w.outcome(job, nil, ErrShutdown); o.State != store.JobStateCompleted || end.Outcome != OutcomeCompleted {
		t.Errorf("a handler that finished anyway: %+v (%v)", o, end.Outcome)
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
