package telemetry_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	"go.opentelemetry.io/otel/sdk/metric/metricdata"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/telemetry"
	"github.com/larderhq/larder/tests/testdb"
)

// bundle is a test's database, and the SDK's in-memory reader of metrics
// and recorder of spans behind the options it gives.
type bundle struct {
	ctx     context.Context
	url     string
	pool    *pgxpool.Pool // on url, untraced
	metrics *sdkmetric.ManualReader
	spans   *tracetest.SpanRecorder
	options []telemetry.Option
}

func setup(t *testing.T) bundle {
	t.Helper()
	metrics := sdkmetric.NewManualReader()
	spans := tracetest.NewSpanRecorder()
	url := testdb.URL(t) + "&pool_max_conns=20"
	pool, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return bundle{
		ctx: t.Context(), url: url, pool: pool, metrics: metrics, spans: spans,
		options: []telemetry.Option{
			telemetry.WithMeterProvider(sdkmetric.NewMeterProvider(sdkmetric.WithReader(metrics))),
			telemetry.WithTracerProvider(sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))),
		},
	}
}

func TestJobObserverCountsEnqueuesAndRunsPerKindAndQueue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	observer, err := telemetry.NewJobObserver(b.options...)
	require.NoError(t, err)
	client := jobs.NewClient(jobs.WithObserver(observer))

	reg := jobs.NewRegistry()
	var flakyRuns, sleepyRuns atomic.Int32
	waiting := make(chan struct{}, 1)
	jobs.Handle(reg, "test.ok", func(context.Context, jobs.Job[struct{}]) error { return nil })
	jobs.Handle(reg, "test.flaky", func(context.Context, jobs.Job[struct{}]) error {
		if flakyRuns.Add(1) == 1 {
			return errors.New("flaked")
		}
		return nil
	})
	jobs.Handle(reg, "test.doomed", func(context.Context, jobs.Job[struct{}]) error { return errors.New("doomed") })
	jobs.Handle(reg, "test.cancel", func(context.Context, jobs.Job[struct{}]) error { return jobs.Cancel(errors.New("no point")) })
	jobs.Handle(reg, "test.sleepy", func(context.Context, jobs.Job[struct{}]) error {
		if sleepyRuns.Add(1) == 1 {
			return jobs.Snooze(0)
		}
		return nil
	})
	jobs.Handle(reg, "test.wait", func(ctx context.Context, _ jobs.Job[struct{}]) error {
		waiting <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})

	_, err = client.EnqueueMany(b.ctx, b.pool,
		client.Job("test.ok"), client.Job("test.ok"), client.Job("test.ok"),
		client.Job("test.ok").Queue("mail"), client.Job("test.ok").Queue("mail"),
		client.Job("test.flaky"), client.Job("test.doomed").MaxAttempts(2),
		client.Job("test.cancel"), client.Job("test.sleepy"), client.Job("test.ok").UniqueBy("once"))
	require.NoError(t, err)
	again, err := client.Job("test.ok").UniqueBy("once").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	wait, err := client.Job("test.wait").Queue("mail").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)

	w, stop := startWorker(t, b, reg, observer, 4)
	<-waiting
	_, err = client.Cancel(b.ctx, b.pool, jobs.Filter{IDs: []int64{wait.ID}})
	require.NoError(t, err)
	testdb.Eventually(t, "every job to finish", func() bool {
		s := w.Stats()
		return s.Completed == 8 && s.Discarded == 1 && s.Cancelled == 2
	})
	stop() // every run has ended, and been observed

	rm := collect(t, b)
	require.Equal(t, map[string]int64{
		"test.ok/default": 4, "test.ok/mail": 2, "test.flaky/default": 1, "test.doomed/default": 1,
		"test.cancel/default": 1, "test.sleepy/default": 1, "test.wait/mail": 1,
	}, counts(t, rm, "larder.jobs.enqueued"))
	require.Equal(t, map[string]int64{"test.ok/default": 1}, counts(t, rm, "larder.jobs.duplicates"))
	require.Equal(t, map[string]int64{
		"test.ok/default": 4, "test.ok/mail": 2, "test.flaky/default": 1, "test.sleepy/default": 1,
	}, counts(t, rm, "larder.jobs.completed"))
	require.Equal(t, map[string]int64{"test.flaky/default": 1, "test.doomed/default": 1}, counts(t, rm, "larder.jobs.failed"))
	require.Equal(t, map[string]int64{"test.doomed/default": 1}, counts(t, rm, "larder.jobs.discarded"))
	require.Equal(t, map[string]int64{"test.cancel/default": 1, "test.wait/mail": 1}, counts(t, rm, "larder.jobs.cancelled"))
	require.Equal(t, map[string]int64{"test.sleepy/default": 1}, counts(t, rm, "larder.jobs.snoozed"))

	// 14 runs: 8 completed, a snooze, 2 failed attempts, a discard and 2 cancels.
	latency := histograms(t, rm, "larder.jobs.queue.latency", byKindQueue)
	require.Equal(t, map[string]uint64{
		"test.ok/default": 4, "test.ok/mail": 2, "test.flaky/default": 2, "test.doomed/default": 2,
		"test.cancel/default": 1, "test.sleepy/default": 2, "test.wait/mail": 1,
	}, latency)
	durations := histograms(t, rm, "larder.jobs.run.duration", "job.outcome")
	require.Equal(t, map[string]uint64{"completed": 8, "snoozed": 1, "retried": 2, "discarded": 1, "cancelled": 2}, durations)
	require.Equal(t, "s", unit(t, rm, "larder.jobs.run.duration"))
}

func TestJobObserverMakesASpanPerRun(t *testing.T) {
	t.Parallel()
	b := setup(t)
	observer, err := telemetry.NewJobObserver(b.options...)
	require.NoError(t, err)
	client := jobs.NewClient()
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.ok", func(context.Context, jobs.Job[struct{}]) error { return nil })
	jobs.Handle(reg, "test.doomed", func(context.Context, jobs.Job[struct{}]) error { return errors.New("doomed") })
	ok, err := client.Job("test.ok").Queue("mail").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	doomed, err := client.Job("test.doomed").MaxAttempts(2).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)

	w, stop := startWorker(t, b, reg, observer, 2)
	testdb.Eventually(t, "both jobs to finish", func() bool { s := w.Stats(); return s.Completed == 1 && s.Discarded == 1 })
	stop()

	type run struct {
		name, queue, outcome string
		id, attempt          int64
		status               codes.Code
		statusText           string
		errorEvents          int
	}
	var got []run
	for _, s := range b.spans.Ended() {
		require.False(t, s.Parent().IsValid(), "a run's span is the root of its trace")
		require.Equal(t, "consumer", s.SpanKind().String())
		a := attrs(s.Attributes())
		got = append(got, run{
			name: s.Name(), queue: a["job.queue"].AsString(), outcome: a["job.outcome"].AsString(),
			id: a["job.id"].AsInt64(), attempt: a["job.attempt"].AsInt64(),
			status: s.Status().Code, statusText: s.Status().Description, errorEvents: len(s.Events()),
		})
		require.Equal(t, s.Name(), "run "+a["job.kind"].AsString())
	}
	require.ElementsMatch(t, []run{
		{"run test.ok", "mail", "completed", ok.ID, 1, codes.Unset, "", 0},
		{"run test.doomed", "default", "retried", doomed.ID, 1, codes.Error, "doomed", 1},
		{"run test.doomed", "default", "discarded", doomed.ID, 2, codes.Error, "doomed", 1},
	}, got)
}

// byKindQueue groups measurements by job.kind and job.queue.
const byKindQueue = "kind/queue"

// collect reads every metric recorded so far.
func collect(t *testing.T, b bundle) metricdata.ResourceMetrics {
	t.Helper()
	var rm metricdata.ResourceMetrics
	require.NoError(t, b.metrics.Collect(b.ctx, &rm))
	return rm
}

// find returns the metric of that name.
func find(t *testing.T, rm metricdata.ResourceMetrics, name string) metricdata.Metrics {
	t.Helper()
	for _, sm := range rm.ScopeMetrics {
		for _, m := range sm.Metrics {
			if m.Name == name {
				return m
			}
		}
	}
	t.Fatalf("no metric %s", name)
	return metricdata.Metrics{}
}

func unit(t *testing.T, rm metricdata.ResourceMetrics, name string) string {
	t.Helper()
	return find(t, rm, name).Unit
}

// counts returns a counter's values by "kind/queue".
func counts(t *testing.T, rm metricdata.ResourceMetrics, name string) map[string]int64 {
	t.Helper()
	sum, ok := find(t, rm, name).Data.(metricdata.Sum[int64])
	require.True(t, ok, "%s is a sum of int64", name)
	require.True(t, sum.IsMonotonic, "%s is a counter", name)
	out := map[string]int64{}
	for _, p := range sum.DataPoints {
		out[key(p.Attributes, byKindQueue)] += p.Value
	}
	return out
}

// histograms returns how many values a histogram holds, by "kind/queue"
// or by another attribute, and checks that they are not negative.
func histograms(t *testing.T, rm metricdata.ResourceMetrics, name, by string) map[string]uint64 {
	t.Helper()
	h, ok := find(t, rm, name).Data.(metricdata.Histogram[float64])
	require.True(t, ok, "%s is a histogram of float64", name)
	out := map[string]uint64{}
	for _, p := range h.DataPoints {
		least, ok := p.Min.Value()
		require.True(t, ok && least >= 0, "%s: a negative value, %v", name, least)
		out[key(p.Attributes, by)] += p.Count
	}
	return out
}

func key(set attribute.Set, by string) string {
	if by != byKindQueue {
		v, _ := set.Value(attribute.Key(by))
		return v.AsString()
	}
	kind, _ := set.Value(telemetry.AttrJobKind)
	queue, _ := set.Value(telemetry.AttrJobQueue)
	return kind.AsString() + "/" + queue.AsString()
}

func attrs(kvs []attribute.KeyValue) map[string]attribute.Value {
	out := map[string]attribute.Value{}
	for _, kv := range kvs {
		out[string(kv.Key)] = kv.Value
	}
	return out
}

// A handler's statements are children of its run's span. The worker's
// own pool copies the caller's tracer: its bookkeeping statements
// (fetching jobs, recording outcomes) are traced too, each the root of a
// trace, unless the tracer traces only within spans.
func TestAJobsStatementsAreChildrenOfItsRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name        string
		options     []telemetry.Option
		bookkeeping bool
	}{
		{"every statement", nil, true},
		{"only within spans", []telemetry.Option{telemetry.OnlyWithinSpans()}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			pool := tracedPool(t, b, tc.options...)
			observer, err := telemetry.NewJobObserver(b.options...)
			require.NoError(t, err)
			reg := jobs.NewRegistry()
			jobs.Handle(reg, "test.query", func(ctx context.Context, _ jobs.Job[struct{}]) error {
				_, err := pool.Exec(ctx, "SELECT 'in the job'")
				return err
			})
			_, err = jobs.NewClient().Job("test.query").Enqueue(b.ctx, pool)
			require.NoError(t, err)

			w, err := jobs.NewWorker(pool, reg, jobs.Config{Observer: observer, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			require.NoError(t, err)
			runCtx, stop := context.WithCancel(b.ctx)
			done := make(chan error, 1)
			go func() { done <- w.Run(runCtx) }()
			testdb.Eventually(t, "the job to complete", func() bool { return w.Stats().Completed == 1 })
			stop()
			require.NoError(t, <-done) // its outcome recorded

			runs := named(b, "run test.query")
			require.Len(t, runs, 1)
			inJob := queried(b, "SELECT 'in the job'")
			require.Len(t, inJob, 1)
			require.Equal(t, runs[0].SpanContext().SpanID(), inJob[0].Parent().SpanID())
			require.Equal(t, runs[0].SpanContext().TraceID(), inJob[0].SpanContext().TraceID())
			if !tc.bookkeeping {
				require.Empty(t, named(b, "FetchJobs"))
				require.Empty(t, named(b, "FinishJobs"))
				return
			}
			require.NotEmpty(t, named(b, "FetchJobs"))
			finished := named(b, "FinishJobs")
			require.NotEmpty(t, finished)
			require.False(t, finished[0].Parent().IsValid(), "bookkeeping is the root of its trace")
		})
	}
}

// startWorker runs a worker of reg's handlers on b's database with
// observer, perQueue jobs at once on queues default and mail, retrying at
// once; stop stops it and waits until every run has ended.
func startWorker(t *testing.T, b bundle, reg *jobs.Registry, observer jobs.Observer, perQueue int) (w *jobs.Worker, stop func()) {
	t.Helper()
	w, err := jobs.NewWorker(b.pool, reg, jobs.Config{
		Queues:       map[string]int{"default": perQueue, "mail": perQueue},
		PollInterval: 20 * time.Millisecond,
		Backoff:      func(int32) time.Duration { return 0 },
		Observer:     observer,
		Logger:       slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	require.NoError(t, err)
	runCtx, cancel := context.WithCancel(b.ctx)
	done := make(chan error, 1)
	go func() { done <- w.Run(runCtx) }()
	return w, func() {
		cancel()
		require.NoError(t, <-done)
	}
}
