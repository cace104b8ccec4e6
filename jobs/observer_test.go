package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/larderhq/larder/jobs/store"
)

// recorder is an Observer that keeps what it is told.
type recorder struct {
	enqueued []EnqueuedJobs
	started  []Run
	ended    []RunEnd
}

type runKey struct{}

func (r *recorder) JobsEnqueued(_ context.Context, e EnqueuedJobs) {
	r.enqueued = append(r.enqueued, e)
}

func (r *recorder) RunStarted(ctx context.Context, run Run) context.Context {
	r.started = append(r.started, run)
	return context.WithValue(ctx, runKey{}, run.ID)
}

func (r *recorder) RunEnded(ctx context.Context, run Run, end RunEnd) {
	if ctx.Value(runKey{}) != run.ID {
		panic("RunEnded without RunStarted's context")
	}
	r.ended = append(r.ended, end)
}

// nop is an Observer that does nothing.
type nop struct{}

func (nop) JobsEnqueued(context.Context, EnqueuedJobs)            {}
func (nop) RunStarted(ctx context.Context, _ Run) context.Context { return ctx }
func (nop) RunEnded(context.Context, Run, RunEnd)                 {}

func TestAnObserverIsToldOfEachRun(t *testing.T) {
	t.Parallel()
	reg := NewRegistry()
	var seen context.Context
	Handle(reg, "test.ok", func(ctx context.Context, _ Job[greeting]) error { seen = ctx; return nil })
	Handle(reg, "test.fail", func(context.Context, Job[greeting]) error { return errors.New("boom") })
	w := testWorker(t, reg)
	r := &recorder{}
	w.cfg.Observer = r
	due := time.Now().Add(-time.Second)
	good := json.RawMessage(`{"name":"Ada"}`)

	w.execute(context.Background(), store.FetchedJob{ID: 1, Kind: "test.ok", Queue: "mail", Attempt: 1, MaxAttempts: 3, RunAt: due, Payload: good})
	w.execute(context.Background(), store.FetchedJob{ID: 2, Kind: "test.fail", Queue: "default", Attempt: 3, MaxAttempts: 3, RunAt: due, Payload: good})

	if seen == nil || seen.Value(runKey{}) != int64(1) {
		t.Error("the handler's context is not derived from RunStarted's")
	}
	if len(r.started) != 2 || r.started[0].ID != 1 || r.started[0].Queue != "mail" || r.started[1].Attempt != 3 {
		t.Fatalf("started: %+v", r.started)
	}
	if l := r.started[0].QueueLatency(); l < time.Second || l > time.Minute {
		t.Errorf("queue latency %v, want about a second", l)
	}
	if len(r.ended) != 2 {
		t.Fatalf("%d runs ended, want 2: %+v", len(r.ended), r.ended)
	}
	if r.ended[0].Outcome != OutcomeCompleted || r.ended[0].Err != nil || r.ended[0].Duration <= 0 {
		t.Errorf("first run ended %+v", r.ended[0])
	}
	if r.ended[1].Outcome != OutcomeDiscarded || r.ended[1].Err == nil || r.ended[1].Err.Error() != "boom" {
		t.Errorf("second run ended %+v", r.ended[1])
	}
}

func TestAnObserverIsToldOfEnqueuesPerKindAndQueue(t *testing.T) {
	t.Parallel()
	r := &recorder{}
	in := []store.NewJob{{Kind: "a"}, {Kind: "a", Queue: "default"}, {Kind: "a", Queue: "mail"}, {Kind: "b"}, {Kind: "a"}}
	out := []Enqueued{{}, {Duplicate: true}, {}, {}, {}}
	enqueued(context.Background(), r, in, out)
	want := []EnqueuedJobs{
		{Kind: "a", Queue: "default", Written: 1, Duplicates: 1},
		{Kind: "a", Queue: "mail", Written: 1},
		{Kind: "b", Queue: "default", Written: 1},
		{Kind: "a", Queue: "default", Written: 1},
	}
	if len(r.enqueued) != len(want) {
		t.Fatalf("told %+v, want %+v", r.enqueued, want)
	}
	for i := range want {
		if r.enqueued[i] != want[i] {
			t.Errorf("group %d: %+v, want %+v", i, r.enqueued[i], want[i])
		}
	}
}

func TestOutcomesHaveNames(t *testing.T) {
	t.Parallel()
	for o, want := range map[Outcome]string{
		OutcomeCompleted: "completed", OutcomeRetried: "retried", OutcomeDiscarded: "discarded", OutcomeCancelled: "cancelled",
		OutcomeSnoozed: "snoozed", OutcomeShutdown: "shutdown", OutcomeLeaseLost: "lease_lost", 0: "unknown", 99: "unknown",
	} {
		if got := o.String(); got != want {
			t.Errorf("%d: %q, want %q", o, got, want)
		}
	}
}

// raceEnabled is set when the race detector is on (race_test.go).
var raceEnabled bool

// The hook costs a run nothing when no Observer is set, and its plumbing
// (the Run and RunEnd it passes) allocates nothing when one is. Not
// parallel: AllocsPerRun counts the whole process's allocations.
func TestARunWithoutAnObserverAllocatesNoMore(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	reg := NewRegistry()
	Handle(reg, "test.ok", func(context.Context, Job[struct{}]) error { return nil })
	w := testWorker(t, reg)
	job := store.FetchedJob{ID: 1, Kind: "test.ok", Attempt: 1, MaxAttempts: 3, Payload: json.RawMessage(`{}`)}
	run := func() { w.execute(context.Background(), job) }

	without := testing.AllocsPerRun(200, run)
	w.cfg.Observer = nop{}
	with := testing.AllocsPerRun(200, run)
	if with != without {
		t.Errorf("%v allocations per run with an observer that does nothing, %v without", with, without)
	}
}

// BenchmarkExecute measures a run of a no-op job, without an Observer and
// with one that does nothing.
func BenchmarkExecute(b *testing.B) {
	reg := NewRegistry()
	Handle(reg, "test.ok", func(context.Context, Job[struct{}]) error { return nil })
	job := store.FetchedJob{ID: 1, Kind: "test.ok", Attempt: 1, MaxAttempts: 3, Payload: json.RawMessage(`{}`)}
	for _, bc := range []struct {
		name     string
		observer Observer
	}{{"no observer", nil}, {"no-op observer", nop{}}} {
		b.Run(bc.name, func(b *testing.B) {
			w := testWorker(b, reg)
			w.cfg.Observer = bc.observer
			b.ReportAllocs()
			for b.Loop() {
				w.execute(context.Background(), job)
			}
		})
	}
}
