package e2e

import (
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"

	"github.com/larderhq/larder/db"
	"github.com/larderhq/larder/jobs"
	"github.com/larderhq/larder/many"
	"github.com/larderhq/larder/tests/testdb"
)

// queueJobs are the ids of the jobs seedJobs made, by what became of them.
type queueJobs struct {
	pending   []int64 // recipes.recompute-nutrition, default
	completed []int64 // pantry.expiry-digest, default, finished a moment ago
	discarded []int64 // pantry.expiry-digest, default, out of 3 attempts with their errors
	retrying  []int64 // agents.generate, agents, pending after a failed attempt
	cancelled []int64 // agents.generate, agents
}

// seedJobs enqueues jobs through the client, and gives some of them, with
// SQL, the outcomes a worker would have recorded.
func seedJobs(t *testing.T, pool *pgxpool.Pool) queueJobs {
	t.Helper()
	ctx, client := t.Context(), jobs.NewClient()
	enqueue := func(n int, b jobs.Builder) []int64 {
		builders := make([]jobs.Builder, n)
		for i := range builders {
			builders[i] = b.Payload(map[string]any{"recipe_id": 100 + i, "note": "<script>alert('not run')</script>"})
		}
		got, err := client.EnqueueMany(ctx, pool, builders...)
		require.NoError(t, err)
		ids := make([]int64, n)
		for i, e := range got {
			ids[i] = e.ID
		}
		return ids
	}
	q := queueJobs{
		pending:   enqueue(4, client.Job("recipes.recompute-nutrition")),
		completed: enqueue(3, client.Job("pantry.expiry-digest")),
		discarded: enqueue(2, client.Job("pantry.expiry-digest").MaxAttempts(3)),
		retrying:  enqueue(1, client.Job("agents.generate").Queue("agents")),
		cancelled: enqueue(1, client.Job("agents.generate").Queue("agents")),
	}
	exec := func(sql string, args ...any) {
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	exec(`UPDATE jobs SET state = 'completed', attempt = 1, attempted_at = now() - interval '40 ms',
		attempted_by = 'worker-e2e', finished_at = now() WHERE id = ANY($1)`, q.completed)
	exec(`UPDATE jobs SET state = 'discarded', attempt = 3, attempted_at = now() - interval '2 s', attempted_by = 'worker-e2e', finished_at = now(),
		errors = jsonb_build_array(
			jsonb_build_object('attempt', 1, 'error', 'smtp: dial tcp 10.0.0.5:25: connection refused', 'at', now() - interval '1 minute'),
			jsonb_build_object('attempt', 2, 'error', 'smtp: 451 <try again later>', 'at', now() - interval '30 seconds'),
			jsonb_build_object('attempt', 3, 'error', 'panic: nil map', 'at', now(), 'trace', E'goroutine 7 [running]:\nmain.send()'))
		WHERE id = ANY($1)`, q.discarded)
	exec(`UPDATE jobs SET attempt = 1, attempted_at = now(), run_at = now() + interval '1 hour',
		errors = jsonb_build_array(jsonb_build_object('attempt', 1, 'error', 'model: 429 rate limited', 'at', now()))
		WHERE id = ANY($1)`, q.retrying)
	_, err := client.Cancel(ctx, pool, jobs.Filter{IDs: q.cancelled})
	require.NoError(t, err)
	return q
}

// jobsSetup makes a migrated database with seeded jobs, and returns the
// environment that points larder at it, a pool, and the jobs.
func jobsSetup(t *testing.T) ([]string, *pgxpool.Pool, queueJobs) {
	t.Helper()
	url := testdb.URL(t)
	pool, err := db.Open(t.Context(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return []string{"DATABASE_URL=" + url}, pool, seedJobs(t, pool)
}

// larderJobs runs "larder jobs args..." and returns its output and exit code.
func larderJobs(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, err := runCmd("", env, larderBin(t), append([]string{"jobs"}, args...)...)
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return stdout, stderr, exit.ExitCode()
	}
	require.NoError(t, err)
	return stdout, stderr, 0
}

// jobStates returns the states of jobs by id.
func jobStates(t *testing.T, pool *pgxpool.Pool, ids ...int64) []jobs.State {
	t.Helper()
	rows, err := jobs.NewClient().Get(t.Context(), pool, ids...)
	require.NoError(t, err)
	out := make([]jobs.State, len(rows))
	for i, r := range rows {
		out[i] = r.State
	}
	return out
}

func TestLarderJobsListAndShow(t *testing.T) {
	t.Parallel()
	env, _, q := jobsSetup(t)

	out, _, code := larderJobs(t, env, "list")
	require.Zero(t, code)
	require.Regexp(t, `^id\s+kind\s+queue\s+state\s+attempt\s+run at\s+finished\s+last error\n`, out)
	require.Contains(t, out, "\n11 jobs\n")
	require.Regexp(t, fmt.Sprintf(`(?m)^%d\s+pantry.expiry-digest\s+default\s+discarded\s+3/3\s+\S+\s+\S+\s+panic: nil map$`, q.discarded[0]), out)
	require.Regexp(t, fmt.Sprintf(`(?m)^%d\s+agents.generate\s+agents\s+pending\s+1/25\s+\S+\s+-\s+model: 429 rate limited$`, q.retrying[0]), out)

	out, _, code = larderJobs(t, env, "list", "-state", "discarded", "-format", "json")
	require.Zero(t, code)
	var page many.Page[jobs.Row]
	require.NoError(t, json.Unmarshal([]byte(out), &page))
	require.Equal(t, q.discarded, ids(page.Items))
	require.Empty(t, page.Next)

	out, _, code = larderJobs(t, env, "list", "-kind", "pantry.expiry-digest", "-since", "1h", "-limit", "3")
	require.Zero(t, code)
	require.Contains(t, out, "\n3 jobs; the next page: -after ")
	cursor := regexp.MustCompile(`-after (\S+)`).FindStringSubmatch(out)[1]
	out, _, code = larderJobs(t, env, "list", "-kind", "pantry.expiry-digest", "-limit", "3", "-after", cursor, "-format", "json")
	require.Zero(t, code)
	require.NoError(t, json.Unmarshal([]byte(out), &page))
	require.Equal(t, q.discarded, ids(page.Items), "the second page: the rest")

	out, _, code = larderJobs(t, env, "list", "-queue", "nowhere")
	require.Zero(t, code)
	require.Equal(t, "no jobs\n", out)

	id := strconv.FormatInt(q.discarded[1], 10)
	out, _, code = larderJobs(t, env, "show", id)
	require.Zero(t, code)
	require.Contains(t, out, "job "+id+"  pantry.expiry-digest  discarded\n")
	require.Regexp(t, `attempts\s+3 of 3`, out)
	require.Regexp(t, `last run\s+\S+ by worker-e2e`, out)
	require.Contains(t, out, `"note": "<script>alert('not run')</script>"`, "the payload, indented")
	require.Contains(t, out, "errors (3):\n  attempt 1  ")
	require.Contains(t, out, "\n    smtp: dial tcp 10.0.0.5:25: connection refused\n  attempt 2  ")
	require.Contains(t, out, "\n    panic: nil map\n    stack:\n      goroutine 7 [running]:\n      main.send()\n")

	out, _, code = larderJobs(t, env, "show", id, "-format", "json")
	require.Zero(t, code)
	var row jobs.Row
	require.NoError(t, json.Unmarshal([]byte(out), &row))
	history, err := jobs.History(&row)
	require.NoError(t, err)
	require.Len(t, history, 3)
	require.Equal(t, int32(2), history[1].Attempt)

	_, stderr, code := larderJobs(t, env, "show", "999999")
	require.Equal(t, 1, code)
	require.Contains(t, stderr, "no job 999999")

	_, stderr, code = larderJobs(t, env, "list", "-state", "failed")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, `-state "failed" is not a state`)

	_, stderr, code = larderJobs(t, env, "list", "-after", "not-a-cursor")
	require.Equal(t, 2, code, stderr)
}

func TestLarderJobsRetryAndCancel(t *testing.T) {
	t.Parallel()
	env, pool, q := jobsSetup(t)

	_, stderr, code := larderJobs(t, env, "retry")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "retry every job? give job IDs, or a filter")
	_, stderr, code = larderJobs(t, env, "cancel")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "cancel every job?")

	first := strconv.FormatInt(q.discarded[0], 10)
	pending := strconv.FormatInt(q.pending[0], 10)
	out, _, code := larderJobs(t, env, "retry", first, pending)
	require.Zero(t, code)
	require.Regexp(t, fmt.Sprintf(`(?m)^%s\s+pantry.expiry-digest\s+default\s+pending\s+3/4$`, first), out, "one attempt more")
	require.Contains(t, out, "retried 1 job: pending, due now\n")
	require.Contains(t, out, "left alone: "+pending+" (not finished")
	require.Equal(t, []jobs.State{jobs.StatePending, jobs.StateDiscarded}, jobStates(t, pool, q.discarded...))

	out, _, code = larderJobs(t, env, "retry", "-state", "discarded", "-format", "json")
	require.Zero(t, code)
	var retried []jobs.Row
	require.NoError(t, json.Unmarshal([]byte(out), &retried))
	require.Equal(t, q.discarded[1:], ids(retried))
	require.Equal(t, []jobs.State{jobs.StatePending, jobs.StatePending}, jobStates(t, pool, q.discarded...))

	out, _, code = larderJobs(t, env, "cancel", "-kind", "recipes.recompute-nutrition")
	require.Zero(t, code)
	require.Contains(t, out, "cancelled 4 jobs\n")
	require.Equal(t, []jobs.State{jobs.StateCancelled, jobs.StateCancelled, jobs.StateCancelled, jobs.StateCancelled}, jobStates(t, pool, q.pending...))

	out, _, code = larderJobs(t, env, "cancel", "-queue", "agents", "-state", "pending")
	require.Zero(t, code)
	require.Contains(t, out, "cancelled 1 job\n")
	require.Equal(t, []jobs.State{jobs.StateCancelled}, jobStates(t, pool, q.retrying...))

	out, _, code = larderJobs(t, env, "cancel", strconv.FormatInt(q.completed[0], 10))
	require.Zero(t, code, "nothing to cancel is not a failure")
	require.Contains(t, out, "cancelled 0 jobs\nleft alone: ")
}

func TestLarderJobsStats(t *testing.T) {
	t.Parallel()
	env, _, _ := jobsSetup(t)

	out, _, code := larderJobs(t, env, "stats")
	require.Zero(t, code)
	require.Regexp(t, `queue\s+pending\s+running\s+completed\s+cancelled\s+discarded\s+total\n`, out)
	require.Regexp(t, `agents\s+1\s+0\s+0\s+1\s+0\s+2\n`, out)
	require.Regexp(t, `default\s+4\s+0\s+3\s+0\s+2\s+9\n`, out)
	require.Regexp(t, `all\s+5\s+0\s+3\s+1\s+2\s+11\n`, out)
	require.Contains(t, out, "the last 5m0s:\n")
	// default: 3 completed and 2 discarded in the window; agents: the
	// cancelled job never ran, so it has no wait or run time to count.
	require.Regexp(t, `default\s+5\s+3\s+2\s+0\s+0.02\s+\S+\s+\S+\s+\S+\s+\S+\n`, out)

	out, _, code = larderJobs(t, env, "stats", "-window", "1m", "-format", "json")
	require.Zero(t, code)
	var report struct {
		WindowSeconds float64      `json:"window_seconds"`
		Counts        []jobs.Count `json:"counts"`
		Queues        []struct {
			Queue         string  `json:"queue"`
			Finished      int64   `json:"finished"`
			Completed     int64   `json:"completed"`
			JobsPerSecond float64 `json:"jobs_per_second"`
			RunP50Ms      float64 `json:"run_p50_ms"`
		} `json:"queues"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &report))
	require.Equal(t, 60.0, report.WindowSeconds)
	require.Len(t, report.Counts, 5)
	require.Len(t, report.Queues, 1)
	require.Equal(t, "default", report.Queues[0].Queue)
	require.EqualValues(t, 5, report.Queues[0].Finished)
	require.InDelta(t, 5.0/60, report.Queues[0].JobsPerSecond, 1e-9)
	require.Positive(t, report.Queues[0].RunP50Ms)

	_, stderr, code := larderJobs(t, env, "stats", "-window", "0s")
	require.Equal(t, 2, code)
	require.Contains(t, stderr, "-window is at least 1s")
}

// ids are the ids of rows, in order.
func ids(rows []jobs.Row) []int64 {
	out := make([]int64, len(rows))
	for i, r := range rows {
		out[i] = r.ID
	}
	return out
}
