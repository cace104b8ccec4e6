package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/jobs/store"
	"github.com/larderhq/larder/tests/testdb"
)

// The crash test runs its workers as separate processes: this test binary,
// started again with crashWorkerEnv set, is one.
const crashWorkerEnv = "LARDER_E2E_CRASH_WORKER"

func TestMain(m *testing.M) {
	if url := os.Getenv(crashWorkerEnv); url != "" {
		os.Exit(crashWorker(url))
	}
	os.Exit(m.Run())
}

// crashWorker runs a worker until SIGTERM (a clean stop) or SIGKILL. Each
// run of e2e.work records itself in e2e_runs, then takes a few
// milliseconds, so that a kill finds jobs mid-run.
func crashWorker(url string) int {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	pool, err := db.Open(ctx, url)
	if err != nil {
		log.Error("open", "error", err)
		return 1
	}
	defer pool.Close()
	reg := jobs.NewRegistry()
	jobs.Handle(reg, "e2e.work", func(ctx context.Context, job jobs.Job[struct{}]) error {
		if _, err := pool.Exec(ctx, "INSERT INTO e2e_runs (job_id, attempt) VALUES ($1, $2)", job.ID, job.Attempt); err != nil {
			return err
		}
		select {
		case <-time.After(time.Duration(5+job.ID%20) * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})
	// The transactional kind writes its effect and completes its job in
	// one transaction, and holds it open a while, so that kills find some
	// mid-transaction.
	jobs.Handle(reg, "e2e.work-tx", func(ctx context.Context, job jobs.Job[struct{}]) error {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, "INSERT INTO e2e_effects (job_id, attempt) VALUES ($1, $2)", job.ID, job.Attempt); err != nil {
				return err
			}
			select {
			case <-time.After(time.Duration(5+job.ID%20) * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
			return jobs.CompleteTx(ctx, tx, job)
		})
	})
	w, err := jobs.NewWorker(pool, reg, jobs.Config{
		Queues: map[string]int{"default": 20}, LeaseDuration: time.Second, Logger: log,
	})
	if err == nil {
		err = w.Run(ctx)
	}
	if err != nil {
		log.Error("worker", "error", err)
		return 1
	}
	return 0
}

func TestWorkerKilledMidRunLosesNoJob(t *testing.T) {
	t.Parallel()
	const total = 3000
	url := testdb.URL(t)
	ctx := t.Context()
	// The test's own sessions go by their own application_name, so that it
	// can wait for a killed worker's sessions (all the others on the test's
	// database) to end.
	const testApp = "larder-e2e-crash-test"
	pool, err := db.Open(ctx, url+"&application_name="+testApp)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	_, err = pool.Exec(ctx, `CREATE TABLE e2e_runs (job_id bigint NOT NULL, attempt int NOT NULL);
		CREATE TABLE e2e_effects (job_id bigint NOT NULL, attempt int NOT NULL)`)
	require.NoError(t, err)
	client := jobs.NewClient()
	batch := make([]jobs.Builder, total)
	for i := range batch {
		batch[i] = client.Job("e2e.work") // every other job writes its effect in its completion's transaction
		if i%2 == 1 {
			batch[i] = client.Job("e2e.work-tx")
		}
	}
	_, err = client.EnqueueMany(ctx, pool, batch...)
	require.NoError(t, err)

	start := func() *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashWorkerEnv+"="+url)
		var logs strings.Builder
		cmd.Stdout, cmd.Stderr = &logs, &logs
		require.NoError(t, cmd.Start())
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			if t.Failed() {
				t.Logf("worker %d logs:\n%s", cmd.Process.Pid, logs.String())
			}
		})
		return cmd
	}
	// Kill a worker once a share of the jobs is done, and note which jobs
	// it had running: they are the only ones that may run twice.
	var killedMidRun []int64
	for _, share := range []int{total / 4, total / 2} {
		worker := start()
		testdb.Eventually(t, fmt.Sprintf("%d jobs completed", share), func() bool { return completed(t, pool) >= share })
		require.NoError(t, worker.Process.Signal(syscall.SIGKILL))
		_ = worker.Wait()
		// A statement the worker sent just before it died (a claim, on the
		// worker's own bookkeeping pool) still runs to its end on the
		// server: only once every session of the worker is gone is the set
		// of running jobs final.
		testdb.Eventually(t, "the killed worker's sessions ended", func() bool {
			var n int
			require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND backend_type = 'client backend' AND application_name <> $1`, testApp).Scan(&n))
			return n == 0
		})
		var running []int64
		require.NoError(t, pool.QueryRow(ctx, "SELECT coalesce(array_agg(id), '{}') FROM jobs WHERE state = 'running'").Scan(&running))
		require.NotEmpty(t, running, "the kill found jobs mid-run")
		killedMidRun = append(killedMidRun, running...)
	}

	worker := start()
	testdb.Eventually(t, "every job completed", func() bool { return completed(t, pool) == total })
	require.NoError(t, worker.Process.Signal(syscall.SIGTERM))
	require.NoError(t, worker.Wait(), "a clean stop exits 0")

	counts, err := store.CountJobs(ctx, pool)
	require.NoError(t, err)
	require.Equal(t, []store.JobCount{{Queue: "default", State: store.JobStateCompleted, Jobs: total}}, counts)
	var neverRan int
	require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM jobs WHERE NOT EXISTS (SELECT FROM e2e_runs WHERE job_id = jobs.id)
		AND NOT EXISTS (SELECT FROM e2e_effects WHERE job_id = jobs.id)`).Scan(&neverRan))
	require.Zero(t, neverRan, "every job's handler ran")
	// A plain handler's effect repeats when its run was killed after it;
	// a transactional handler's effect exists exactly once, even for jobs
	// that ran twice.
	var effects, txJobs, txRanAgain, plainDuplicates int
	require.NoError(t, pool.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM e2e_effects),
		(SELECT count(*) FROM jobs WHERE kind = 'e2e.work-tx'),
		(SELECT count(*) FROM jobs WHERE kind = 'e2e.work-tx' AND attempt > 1),
		(SELECT count(*) - count(DISTINCT job_id) FROM e2e_runs)`).Scan(&effects, &txJobs, &txRanAgain, &plainDuplicates))
	require.Equal(t, txJobs, effects, "no transactional effect is missing or twice")
	require.Positive(t, txRanAgain, "the kills interrupted transactional runs too")
	var ranAgain []int64
	require.NoError(t, pool.QueryRow(ctx, "SELECT coalesce(array_agg(id), '{}') FROM jobs WHERE attempt > 1").Scan(&ranAgain))
	require.NotEmpty(t, ranAgain, "the killed runs were rescued and run again")
	require.Subset(t, killedMidRun, ranAgain, "only jobs running at a kill ran twice")
	var lost int
	require.NoError(t, pool.QueryRow(ctx, "SELECT count(*) FROM jobs WHERE errors::text LIKE '%lease expired%'").Scan(&lost))
	require.Equal(t, len(ranAgain), lost, "each rescue is in the job's error history")
	t.Logf("%d jobs completed across two kills; %d were running at a kill and ran again; duplicate effects: %d of plain handlers, 0 of %d transactional ones (%d of them ran again)",
		total, len(ranAgain), plainDuplicates, txJobs, txRanAgain)
}

func completed(t *testing.T, pool *pgxpool.Pool) int {
	var n int
	require.NoError(t, pool.QueryRow(t.Context(), "SELECT count(*) FROM jobs WHERE state = 'completed'").Scan(&n))
	return n
}
