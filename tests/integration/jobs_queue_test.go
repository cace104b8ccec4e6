package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// The queue: package jobs on a real database, with workers running in the
// test process. Waits poll the database until a deadline; nothing asserts
// on timing.

// quick are worker settings for tests: short leases and polls.
func quick(t *testing.T) jobs.Config {
	return jobs.Config{
		PollInterval: 50 * time.Millisecond, LeaseDuration: 2 * time.Second, ShutdownTimeout: 5 * time.Second,
		Backoff: func(int32) time.Duration { return 10 * time.Millisecond }, Logger: testLogger(t),
	}
}

// runWorker runs a worker until the test ends or stop is called; stop
// returns once Run has.
func runWorker(t *testing.T, pool *pgxpool.Pool, reg *jobs.Registry, cfg jobs.Config) (w *jobs.Worker, stop func()) {
	t.Helper()
	w, err := jobs.NewWorker(pool, reg, cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			require.NoError(t, <-done)
		})
	}
	t.Cleanup(stop)
	return w, stop
}

// jobsIn returns the jobs with the given ids.
func jobsIn(t *testing.T, b bundle, ids ...int64) []store.Job {
	t.Helper()
	got, err := store.SelectJobs(b.ctx, b.pool, ids)
	require.NoError(t, err)
	return got
}

// allIn reports whether every job with the given ids is in state.
func allIn(t *testing.T, b bundle, state store.JobState, ids ...int64) bool {
	for _, j := range jobsIn(t, b, ids...) {
		if j.State != state {
			return false
		}
	}
	return true
}

func enqueuedIDs(in []jobs.Enqueued) []int64 {
	ids := make([]int64, len(in))
	for i, e := range in {
		ids[i] = e.ID
	}
	return ids
}

type noPayload struct{}

func TestEnqueueIsPartOfTheTransaction(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()

	err := many.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
		_, err := client.Job("test.work").Enqueue(b.ctx, tx)
		require.NoError(t, err)
		return errors.New("roll back")
	})
	require.Error(t, err)
	require.Zero(t, count(t, b, "jobs"), "a rolled-back enqueue leaves no job")

	require.NoError(t, many.WithTx(b.ctx, b.pool, func(tx pgx.Tx) error {
		_, err := client.Job("test.work").Enqueue(b.ctx, tx)
		return err
	}))
	require.Equal(t, 1, count(t, b, "jobs"))
}

func TestEnqueueManyIsOneStatement(t *testing.T) {
	t.Parallel()
	pool, stmts := tracedPool(t)
	client := jobs.NewClient()
	builders := make([]jobs.Builder, 500)
	for i := range builders {
		builders[i] = client.Job("test.work").Payload(map[string]int{"n": i}).Priority(int16(1 + i%4))
	}

	got, err := client.EnqueueMany(t.Context(), pool, builders...)

	require.NoError(t, err)
	require.Len(t, got, 500)
	require.Equal(t, 1, stmts.count("WITH"), "one enqueue statement")
	require.Zero(t, stmts.count("SELECT"), "no unique keys, so no read of holders")
	for i := 1; i < len(got); i++ {
		require.Greater(t, got[i].ID, got[i-1].ID, "ids in input order")
	}
}

func TestEnqueueRejectsBadJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	for _, bad := range []jobs.Builder{
		client.Job(""), client.Job("k").Priority(5), client.Job("k").MaxAttempts(-1),
		client.Job("k").In(-time.Second), client.Job("k").Payload(func() {}),
	} {
		_, err := client.EnqueueMany(b.ctx, b.pool, client.Job("fine"), bad)
		require.ErrorIs(t, err, jobs.ErrInvalidJob)
	}
	require.Zero(t, count(t, b, "jobs"))
}

func TestPrioritiesThenScheduleOrder(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	var mu sync.Mutex
	var order []string
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.order", func(_ context.Context, job jobs.Job[struct{ Name string }]) error {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, job.Payload.Name)
		return nil
	})
	job := func(name string) jobs.Builder { return client.Job("test.order").Payload(struct{ Name string }{name}) }
	// Enqueued out of order; run_at from At, so oldest first within a priority.
	now := time.Now()
	_, err := client.EnqueueMany(b.ctx, b.pool,
		job("low-old").Priority(4).At(now.Add(-2*time.Minute)),
		job("high-new").Priority(1).At(now.Add(-time.Minute)),
		job("high-old").Priority(1).At(now.Add(-2*time.Minute)),
		job("mid").Priority(2).At(now.Add(-3*time.Minute)),
		job("later").Priority(1).In(400*time.Millisecond),
	)
	require.NoError(t, err)
	cfg := quick(t)
	cfg.Queues = map[string]int{"default": 1}

	runWorker(t, b.pool, reg, cfg)

	testdb.Eventually(t, "five runs", func() bool { mu.Lock(); defer mu.Unlock(); return len(order) == 5 })
	require.Equal(t, []string{"high-old", "high-new", "mid", "low-old", "later"}, order,
		"priority first, then time; a scheduled job waits for its time")
}

func TestRetriesThenDiscardsWithHistory(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	var runs atomic.Int32
	jobs.Handle(reg, "test.fails", func(_ context.Context, job jobs.Job[noPayload]) error {
		runs.Add(1)
		if job.Attempt == 2 {
			panic("boom on attempt 2")
		}
		return fmt.Errorf("failure %d", job.Attempt)
	})
	job, err := jobs.NewClient().Job("test.fails").MaxAttempts(3).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	w, _ := runWorker(t, b.pool, reg, quick(t))

	testdb.Eventually(t, "the job to be discarded", func() bool { return allIn(t, b, store.JobStateDiscarded, job.ID) })

	got := jobsIn(t, b, job.ID)[0]
	require.Equal(t, int32(3), runs.Load())
	require.Equal(t, int32(3), got.Attempt)
	require.NotNil(t, got.FinishedAt)
	var history []struct {
		Attempt int32  `json:"attempt"`
		Error   string `json:"error"`
		At      string `json:"at"`
		Trace   string `json:"trace"`
	}
	require.NoError(t, json.Unmarshal(got.Errors, &history))
	require.Len(t, history, 3)
	require.Equal(t, "failure 1", history[0].Error)
	require.Equal(t, "panic: boom on attempt 2", history[1].Error)
	require.Contains(t, history[1].Trace, "jobs_queue_test.go", "a panic keeps its stack")
	require.Equal(t, int32(3), history[2].Attempt)
	require.NotEmpty(t, history[2].At)
	testdb.Eventually(t, "the stats", func() bool { return w.Stats().Discarded == 1 && w.Stats().Retried == 2 })
}

func TestCancelAndSnoozeFromTheHandler(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	var snoozedRuns atomic.Int32
	jobs.Handle(reg, "test.cancel", func(context.Context, jobs.Job[noPayload]) error {
		return jobs.Cancel(errors.New("nothing to do"))
	})
	jobs.Handle(reg, "test.snooze", func(_ context.Context, job jobs.Job[noPayload]) error {
		if snoozedRuns.Add(1) == 1 {
			return jobs.Snooze(100 * time.Millisecond)
		}
		return nil
	})
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, b.pool, client.Job("test.cancel"), client.Job("test.snooze").MaxAttempts(1))
	require.NoError(t, err)
	runWorker(t, b.pool, reg, quick(t))

	testdb.Eventually(t, "cancelled", func() bool { return allIn(t, b, store.JobStateCancelled, got[0].ID) })
	testdb.Eventually(t, "the snoozed job done", func() bool { return allIn(t, b, store.JobStateCompleted, got[1].ID) })

	require.Equal(t, int32(2), snoozedRuns.Load(), "with one attempt allowed, the snooze did not use it up")
	require.Equal(t, int32(1), jobsIn(t, b, got[1].ID)[0].Attempt)
	require.Contains(t, string(jobsIn(t, b, got[0].ID)[0].Errors), "nothing to do")
}

func TestCancelPendingAndRunningJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	started := make(chan struct{})
	jobs.Handle(reg, "test.long", func(ctx context.Context, _ jobs.Job[noPayload]) error {
		close(started)
		<-ctx.Done() // runs until cancelled
		return ctx.Err()
	})
	client := jobs.NewClient()
	later, err := client.Job("test.later").In(time.Hour).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	long, err := client.Job("test.long").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	runWorker(t, b.pool, reg, quick(t))
	<-started

	cancelled, err := client.Cancel(b.ctx, b.pool, jobs.Filter{IDs: []int64{later.ID, long.ID}})

	require.NoError(t, err)
	require.Len(t, cancelled, 2)
	require.True(t, allIn(t, b, store.JobStateCancelled, later.ID), "a pending job is cancelled at once")
	testdb.Eventually(t, "the running job cancelled", func() bool { return allIn(t, b, store.JobStateCancelled, long.ID) })
	require.Contains(t, string(jobsIn(t, b, long.ID)[0].Errors), "cancelled on request")
}

func TestTimeoutFailsTheAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.slow", func(ctx context.Context, _ jobs.Job[noPayload]) error {
		<-ctx.Done()
		return ctx.Err()
	})
	job, err := jobs.NewClient().Job("test.slow").Timeout(50*time.Millisecond).MaxAttempts(1).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	runWorker(t, b.pool, reg, quick(t))

	testdb.Eventually(t, "discarded", func() bool { return allIn(t, b, store.JobStateDiscarded, job.ID) })
	require.Contains(t, string(jobsIn(t, b, job.ID)[0].Errors), "timed out after 50ms")
}

func TestPayloadIsDecodedAndValidated(t *testing.T) {
	t.Parallel()
	b := setup(t)
	type digest struct {
		UserID string `json:"user_id" validate:"required,id"`
		Days   int    `json:"days" validate:"gte=1"`
	}
	reg := jobs.NewRegistry()
	got := make(chan digest, 1)
	jobs.Handle(reg, "test.digest", func(_ context.Context, job jobs.Job[digest]) error {
		got <- job.Payload
		return nil
	})
	client := jobs.NewClient()
	good := digest{UserID: "0190c6c2-1f41-7000-8000-000000000001", Days: 3}
	res, err := client.EnqueueMany(b.ctx, b.pool,
		client.Job("test.digest").Payload(good),
		client.Job("test.digest").Payload(digest{UserID: "nope"}),
		client.Job("test.digest").Payload([]int{1}),
	)
	require.NoError(t, err)
	runWorker(t, b.pool, reg, quick(t))

	require.Equal(t, good, <-got)
	ids := enqueuedIDs(res)
	testdb.Eventually(t, "bad payloads discarded", func() bool { return allIn(t, b, store.JobStateDiscarded, ids[1:]...) })
	history := string(jobsIn(t, b, ids[1])[0].Errors)
	require.Contains(t, history, "invalid payload: days must be at least 1; user_id must be a UUID")
	require.Equal(t, int32(1), jobsIn(t, b, ids[1])[0].Attempt, "no retry can fix a payload")
}

func TestUniqueJobsUnderConcurrentEnqueue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	const n = 20
	results := make([]jobs.Enqueued, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			results[i], err = client.Job("test.digest").UniqueBy("user:1").Enqueue(context.Background(), b.pool)
			require.NoError(t, err)
		})
	}
	wg.Wait()

	require.Equal(t, 1, count(t, b, "jobs"))
	duplicates := 0
	for _, r := range results {
		require.Equal(t, results[0].ID, r.ID)
		if r.Duplicate {
			duplicates++
		}
	}
	require.Equal(t, n-1, duplicates)

	other, err := client.EnqueueMany(b.ctx, b.pool,
		client.Job("test.other").UniqueBy("user:1"), // another kind: its own key
		client.Job("test.digest").UniqueBy("user:2"),
		client.Job("test.digest").UniqueBy("user:2"), // twice in one batch
	)
	require.NoError(t, err)
	require.False(t, other[0].Duplicate)
	require.False(t, other[1].Duplicate)
	require.Equal(t, jobs.Enqueued{ID: other[1].ID, Duplicate: true}, other[2])
}

func TestACompletedJobKeepsItsUniqueKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.digest", func(context.Context, jobs.Job[noPayload]) error { return nil })
	client := jobs.NewClient()
	first, err := client.Job("test.digest").UniqueBy("k").Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	runWorker(t, b.pool, reg, quick(t))
	testdb.Eventually(t, "done", func() bool { return allIn(t, b, store.JobStateCompleted, first.ID) })

	again, err := client.Job("test.digest").UniqueBy("k").Enqueue(b.ctx, b.pool)

	require.NoError(t, err)
	require.Equal(t, jobs.Enqueued{ID: first.ID, Duplicate: true}, again, "once per key, until pruned")
}

func TestACancelledJobFreesItsUniqueKey(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	first, err := client.Job("test.digest").UniqueBy("k").In(time.Hour).Enqueue(b.ctx, b.pool)
	require.NoError(t, err)
	_, err = client.Cancel(b.ctx, b.pool, jobs.Filter{IDs: []int64{first.ID}})
	require.NoError(t, err)

	second, err := client.Job("test.digest").UniqueBy("k").Enqueue(b.ctx, b.pool)

	require.NoError(t, err)
	require.False(t, second.Duplicate)
	require.NotEqual(t, first.ID, second.ID)
}

func TestLeaseExpiryRescuesTheJobsOfADeadWorker(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, b.pool, client.Job("test.work"), client.Job("test.work").MaxAttempts(1))
	require.NoError(t, err)
	// A worker claims both and dies without renewing its leases.
	_, err = store.FetchJobs(b.ctx, b.pool, "default", "dead-worker", []string{"test.work"}, 10, time.Millisecond)
	require.NoError(t, err)
	time.Sleep(5 * time.Millisecond)
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.work", func(context.Context, jobs.Job[noPayload]) error { return nil })

	runWorker(t, b.pool, reg, quick(t))

	testdb.Eventually(t, "rescued and run", func() bool { return allIn(t, b, store.JobStateCompleted, got[0].ID) })
	rescued := jobsIn(t, b, got[0].ID, got[1].ID)
	require.Equal(t, int32(2), rescued[0].Attempt, "the lost run counted")
	require.Contains(t, string(rescued[0].Errors), "lease expired: worker dead-worker stopped renewing it")
	require.Equal(t, store.JobStateDiscarded, rescued[1].State, "out of attempts")
}

func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	started := make(chan struct{}, 2)
	jobs.Handle(reg, "test.finishes", func(_ context.Context, _ jobs.Job[noPayload]) error {
		started <- struct{}{}
		time.Sleep(200 * time.Millisecond) // finishes within the shutdown timeout
		return nil
	})
	jobs.Handle(reg, "test.stubborn", func(ctx context.Context, _ jobs.Job[noPayload]) error {
		started <- struct{}{}
		<-ctx.Done() // only stops when cancelled
		return ctx.Err()
	})
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, b.pool, client.Job("test.finishes"), client.Job("test.stubborn"))
	require.NoError(t, err)
	cfg := quick(t)
	cfg.ShutdownTimeout = 500 * time.Millisecond
	_, stop := runWorker(t, b.pool, reg, cfg)
	<-started
	<-started

	stop()

	finished, stubborn := jobsIn(t, b, got[0].ID)[0], jobsIn(t, b, got[1].ID)[0]
	require.Equal(t, store.JobStateCompleted, finished.State, "a job that finishes in time completes")
	require.Equal(t, store.JobStatePending, stubborn.State, "a job cancelled by the shutdown goes back to the queue")
	require.Equal(t, int32(0), stubborn.Attempt, "without using an attempt")
	require.Nil(t, stubborn.LeaseExpiresAt)
	counts, err := client.Counts(b.ctx, b.pool)
	require.NoError(t, err)
	for _, c := range counts {
		require.NotEqual(t, store.JobStateRunning, c.State, "nothing is left running")
	}
}

// A handler that ignores its cancelled context outlives Run; when it ends
// at last, its outcome has no one to record it and is dropped (the job is
// rescued once its lease expires), and nothing else breaks.
func TestAJobThatOutlivesTheShutdownIsLeftToItsLease(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started, release := make(chan struct{}), make(chan struct{})
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.deaf", func(context.Context, jobs.Job[noPayload]) error {
		close(started)
		<-release // deaf to its context
		return nil
	})
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, b.pool, client.Job("test.deaf"))
	require.NoError(t, err)
	cfg := quick(t)
	cfg.ShutdownTimeout = 50 * time.Millisecond
	w, stop := runWorker(t, b.pool, reg, cfg)
	<-started

	stop()
	close(release)

	testdb.Eventually(t, "the run ended", func() bool { return w.Stats().Running == 0 })
	job := jobsIn(t, b, got[0].ID)[0]
	require.Equal(t, store.JobStateRunning, job.State, "its outcome came after Run returned: the lease decides")
	require.NotNil(t, job.LeaseExpiresAt)
}

// Outcomes recorded as the worker shuts down keep their leases until they
// are written: a slow write must not get the job rescued by another worker
// and run twice.
func TestOutcomesRecordedAtShutdownKeepTheirLeases(t *testing.T) {
	t.Parallel()
	cfg := quick(t)
	cfg.LeaseDuration = 300 * time.Millisecond
	url := testdb.URL(t)
	slow := poolWithTracer(t, url, &slowFinish{delay: 5 * cfg.LeaseDuration})
	pool, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	b := bundle{ctx: t.Context(), pool: pool}
	var runs atomic.Int32
	started, release := make(chan struct{}, 2), make(chan struct{})
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.once", func(context.Context, jobs.Job[noPayload]) error {
		runs.Add(1)
		started <- struct{}{}
		<-release
		return nil
	})
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, pool, client.Job("test.once"))
	require.NoError(t, err)
	_, stopSlow := runWorker(t, slow, reg, cfg)
	<-started
	runWorker(t, pool, reg, cfg) // rescues what the first worker lets lapse

	close(release)
	stopSlow() // records the outcome, slowly

	testdb.Eventually(t, "completed", func() bool { return allIn(t, b, store.JobStateCompleted, got[0].ID) })
	job := jobsIn(t, b, got[0].ID)[0]
	require.Equal(t, int32(1), runs.Load(), "the handler ran once")
	require.Equal(t, int32(1), job.Attempt)
}

func TestTwoWorkersRunEachJobOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const n = 5000
	var runs sync.Map // id -> *atomic.Int32
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.once", func(_ context.Context, job jobs.Job[noPayload]) error {
		c, _ := runs.LoadOrStore(job.ID, new(atomic.Int32))
		c.(*atomic.Int32).Add(1)
		return nil
	})
	client := jobs.NewClient()
	builders := make([]jobs.Builder, n)
	for i := range builders {
		builders[i] = client.Job("test.once")
	}
	got, err := client.EnqueueMany(b.ctx, b.pool, builders...)
	require.NoError(t, err)
	first, _ := runWorker(t, b.pool, reg, quick(t))
	second, _ := runWorker(t, b.pool, reg, quick(t))

	testdb.Eventually(t, "every job done", func() bool {
		counts, err := store.CountJobs(b.ctx, b.pool)
		require.NoError(t, err)
		return len(counts) == 1 && counts[0].State == store.JobStateCompleted && counts[0].Jobs == n
	})
	for _, e := range got {
		c, ok := runs.Load(e.ID)
		require.True(t, ok, "job %d never ran", e.ID)
		require.Equal(t, int32(1), c.(*atomic.Int32).Load(), "job %d ran more than once", e.ID)
	}
	require.Positive(t, first.Stats().Completed)
	require.Positive(t, second.Stats().Completed, "both workers took part")
}

func TestPeriodicJobsAreEnqueuedOncePerPeriodAcrossWorkers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.tick", func(context.Context, jobs.Job[noPayload]) error { return nil })
	cfg := quick(t)
	cfg.Periodic = []jobs.Periodic{jobs.Every(time.Second, jobs.NewClient().Job("test.tick"))}
	runWorker(t, b.pool, reg, cfg)
	runWorker(t, b.pool, reg, cfg)

	testdb.Eventually(t, "three periods", func() bool { return count(t, b, "jobs") >= 3 })

	page, err := store.ListJobs(b.ctx, b.pool, store.JobFilter{Kind: ptr("test.tick"), Limit: 100})
	require.NoError(t, err)
	periods := map[string]int{}
	for _, j := range page.Items {
		periods[*j.UniqueKey]++
	}
	for period, n := range periods {
		require.Equal(t, 1, n, "period %s enqueued %d times", period, n)
	}
}

func TestPruneDeletesOldFinishedJobs(t *testing.T) {
	t.Parallel()
	b := setup(t)
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, b.pool, client.Job("a"), client.Job("b"), client.Job("c"))
	require.NoError(t, err)
	ids := enqueuedIDs(got)
	_, err = store.FetchJobs(b.ctx, b.pool, "default", "w", []string{"a", "b", "c"}, 3, time.Minute)
	require.NoError(t, err)
	_, err = store.FinishJobs(b.ctx, b.pool, []store.JobOutcome{
		{ID: ids[0], Attempt: 1, State: store.JobStateCompleted},
		{ID: ids[1], Attempt: 1, State: store.JobStateDiscarded},
	})
	require.NoError(t, err)

	pruned, err := store.PruneJobs(b.ctx, b.pool, time.Now().Add(time.Minute), 10)

	require.NoError(t, err)
	require.Equal(t, 2, pruned)
	require.Equal(t, 1, count(t, b, "jobs"), "the running job stays")
}

// slowFinish holds back the first statement that records outcomes, as a
// stalled connection would, for delay.
type slowFinish struct {
	delay time.Duration
	once  sync.Once
}

func (s *slowFinish) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if strings.Contains(data.SQL, "-- name: FinishJobs") {
		s.once.Do(func() { time.Sleep(s.delay) })
	}
	return ctx
}

func (*slowFinish) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func TestAJobWhoseOutcomeIsLateKeepsItsLease(t *testing.T) {
	t.Parallel()
	cfg := quick(t)
	cfg.LeaseDuration = 300 * time.Millisecond
	pool := poolWithTracer(t, testdb.URL(t), &slowFinish{delay: 3 * cfg.LeaseDuration})
	b := bundle{ctx: t.Context(), pool: pool}
	var runs atomic.Int32
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "test.once", func(context.Context, jobs.Job[noPayload]) error { runs.Add(1); return nil })
	client := jobs.NewClient()
	got, err := client.EnqueueMany(b.ctx, pool, client.Job("test.once"))
	require.NoError(t, err)

	runWorker(t, pool, reg, cfg)

	testdb.Eventually(t, "completed", func() bool { return allIn(t, b, store.JobStateCompleted, got[0].ID) })
	job := jobsIn(t, b, got[0].ID)[0]
	require.Equal(t, int32(1), runs.Load(), "the handler ran once")
	require.Equal(t, int32(1), job.Attempt)
	require.NotContains(t, string(job.Errors), "lease expired", "the lease held while the outcome waited")
}

// TestWorkersClaimOnlyTheKindsTheyHandle: two workers on one queue, each
// with handlers for other kinds (a rolling deploy that adds a kind, two
// apps sharing a queue), run every job once, each by the worker that
// handles it, with no attempt spent on a worker that could not.
func TestWorkersClaimOnlyTheKindsTheyHandle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	const perKind = 300
	var mu sync.Mutex
	ranBy := map[int64][]string{}
	registry := func(worker string, kinds ...string) *jobs.Registry {
		reg := jobs.NewRegistry()
		for _, kind := range kinds {
			jobs.Handle(reg, kind, func(_ context.Context, job jobs.Job[noPayload]) error {
				mu.Lock()
				defer mu.Unlock()
				ranBy[job.ID] = append(ranBy[job.ID], worker+":"+job.Kind)
				return nil
			})
		}
		return reg
	}
	client := jobs.NewClient()
	var builders []jobs.Builder
	for i := range 2 * perKind {
		builders = append(builders, client.Job([]string{"old.kind", "new.kind"}[i%2]))
	}
	got, err := client.EnqueueMany(b.ctx, b.pool, builders...)
	require.NoError(t, err)

	runWorker(t, b.pool, registry("old", "old.kind"), quick(t))
	runWorker(t, b.pool, registry("new", "new.kind"), quick(t))

	testdb.Eventually(t, "every job done", func() bool {
		counts, err := store.CountJobs(b.ctx, b.pool)
		require.NoError(t, err)
		return len(counts) == 1 && counts[0].State == store.JobStateCompleted && counts[0].Jobs == 2*perKind
	})
	mu.Lock()
	defer mu.Unlock()
	for i, e := range got {
		want := []string{"old:old.kind", "new:new.kind"}[i%2]
		require.Equal(t, []string{want}, ranBy[e.ID], "job %d ran once, by the worker that handles it", e.ID)
	}
	for _, j := range jobsIn(t, b, enqueuedIDs(got)...) {
		require.Equal(t, int32(1), j.Attempt, "job %d spent no attempt on the other worker", j.ID)
	}
}
