-- name: InsertJobs :many
-- many: batch NewJob
-- Identity ids are assigned in the order the SELECT produces rows, which for
-- unnest is array order, so ids ascend in input order. Zero fields take
-- the defaults: the default queue, an empty object, priority 1, 25
-- attempts; an empty unique key and a zero timeout are NULL; a NULL run_at
-- is now() plus delay_ms on the database's clock, the one every worker
-- compares run_at with.
INSERT INTO jobs (kind, queue, payload, priority, max_attempts, run_at, unique_key, timeout_ms)
SELECT j.kind, coalesce(nullif(j.queue, ''), 'default'), coalesce(j.payload, '{}'),
       coalesce(nullif(j.priority, 0), 1), coalesce(nullif(j.max_attempts, 0), 25),
       coalesce(j.run_at, now() + '1 millisecond'::interval * j.delay_ms),
       nullif(j.unique_key, ''),
       nullif(j.timeout_ms, 0)
FROM (
    SELECT unnest(@kind::text[]) AS kind,
           unnest(@queue::text[]) AS queue,
           unnest(@payload::jsonb[]) AS payload,
           unnest(@priority::smallint[]) AS priority,
           unnest(@max_attempts::int[]) AS max_attempts,
           unnest(sqlc.narg(run_at)::timestamptz[]) AS run_at,
           unnest(@delay_ms::bigint[]) AS delay_ms,
           unnest(@unique_key::text[]) AS unique_key,
           unnest(@timeout_ms::int[]) AS timeout_ms
) AS j
RETURNING *;

-- name: SelectJobs :many
-- many: select
SELECT * FROM jobs WHERE id = ANY(@ids::bigint[]);

-- name: ListJobs :many
-- many: list JobFilter
-- Jobs by id: the order they were enqueued in. A NULL filter selects all;
-- created_from and created_before bound when they were enqueued.
SELECT * FROM jobs
WHERE (sqlc.narg(queue)::text IS NULL OR queue = sqlc.narg(queue)::text)
  AND (sqlc.narg(state)::text IS NULL OR state = sqlc.narg(state)::text::job_state)
  AND (sqlc.narg(kind)::text IS NULL OR kind = sqlc.narg(kind)::text)
  AND (sqlc.narg(created_from)::timestamptz IS NULL OR created_at >= sqlc.narg(created_from)::timestamptz)
  AND (sqlc.narg(created_before)::timestamptz IS NULL OR created_at < sqlc.narg(created_before)::timestamptz)
  AND id > @after_id::bigint
ORDER BY id
LIMIT @row_limit;

-- name: RetryJobs :many
-- many: select
-- Puts finished jobs (discarded, cancelled, completed) back to pending, due
-- now, with their attempts and history kept and one attempt more allowed
-- when they had none left. A job whose unique key another job holds now
-- is left alone, as are pending and running jobs. Workers of the queues
-- hear of them at commit, as of an enqueue.
WITH locked AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.id = ANY(@ids::bigint[]) AND jobs.state IN ('discarded', 'cancelled', 'completed')
      AND (jobs.unique_key IS NULL OR jobs.state = 'completed' OR NOT EXISTS (
          SELECT FROM jobs AS holder
          WHERE holder.kind = jobs.kind AND holder.unique_key = jobs.unique_key
            AND holder.state IN ('pending', 'running', 'completed')))
    ORDER BY jobs.id
    FOR UPDATE
), retried AS (
    UPDATE jobs SET
        state = 'pending',
        run_at = now(),
        max_attempts = greatest(jobs.max_attempts, jobs.attempt + 1),
        finished_at = NULL,
        cancel_requested_at = NULL,
        lease_expires_at = NULL,
        updated_at = now()
    WHERE jobs.id = ANY(ARRAY(SELECT locked.id FROM locked))
    RETURNING jobs.*
), notified AS (
    SELECT count(pg_notify('larder_jobs', queues.queue)) AS queues
    FROM (SELECT DISTINCT retried.queue FROM retried) AS queues
)
SELECT retried.* FROM retried, notified;

-- name: UpdateJobs :many
-- many: update JobPatch
-- Reschedules or reprioritises pending jobs; jobs in any other state are
-- left alone (a worker owns a running job, finished jobs are history).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::bigint[]) AS id,
           unnest(@set_priority::bool[]) AS set_priority,
           unnest(@priority::smallint[]) AS priority,
           unnest(@set_run_at::bool[]) AS set_run_at,
           unnest(@run_at::timestamptz[]) AS run_at,
           unnest(@set_max_attempts::bool[]) AS set_max_attempts,
           unnest(@max_attempts::int[]) AS max_attempts
), locked AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.id = ANY(ARRAY(SELECT input.id FROM input))
      AND jobs.state = 'pending'
    ORDER BY jobs.id
    FOR UPDATE
)
UPDATE jobs AS j SET
    priority     = CASE WHEN i.set_priority THEN i.priority ELSE j.priority END,
    run_at       = CASE WHEN i.set_run_at THEN i.run_at ELSE j.run_at END,
    max_attempts = CASE WHEN i.set_max_attempts THEN i.max_attempts ELSE j.max_attempts END,
    updated_at   = now()
FROM input AS i
WHERE j.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND j.id = i.id
RETURNING j.*;

-- name: DeleteJobs :many
-- many: delete
-- Running jobs are not deleted: their worker still holds them.
WITH locked AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.id = ANY(@ids::bigint[]) AND jobs.state <> 'running'
    ORDER BY jobs.id
    FOR UPDATE
)
DELETE FROM jobs AS j
WHERE j.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING j.*;

-- name: InsertUniqueJobs :many
-- many: batch NewJob
-- The queue's insert, with InsertJobs's defaults. A job whose (kind, unique_key) a pending, running or
-- completed job holds is skipped (ON CONFLICT on the partial unique index); the
-- caller reads the holder with SelectUniqueJobs. Ids ascend in input order
-- (ORDER BY ord). Workers listening on larder_jobs hear of the queues that
-- got jobs due now: pg_notify is sent at commit, so a rolled-back enqueue
-- wakes no one.
WITH input AS (
    SELECT unnest(@kind::text[]) AS kind,
           unnest(@queue::text[]) AS queue,
           unnest(@payload::jsonb[]) AS payload,
           unnest(@priority::smallint[]) AS priority,
           unnest(@max_attempts::int[]) AS max_attempts,
           unnest(sqlc.narg(run_at)::timestamptz[]) AS run_at,
           unnest(@delay_ms::bigint[]) AS delay_ms,
           unnest(@unique_key::text[]) AS unique_key,
           unnest(@timeout_ms::int[]) AS timeout_ms,
           generate_subscripts(@kind::text[], 1) AS ord
), inserted AS (
    INSERT INTO jobs (kind, queue, payload, priority, max_attempts, run_at, unique_key, timeout_ms)
    SELECT input.kind, coalesce(nullif(input.queue, ''), 'default'), coalesce(input.payload, '{}'),
           coalesce(nullif(input.priority, 0), 1), coalesce(nullif(input.max_attempts, 0), 25),
           coalesce(input.run_at, now() + '1 millisecond'::interval * input.delay_ms),
           nullif(input.unique_key, ''),
           nullif(input.timeout_ms, 0)
    FROM input
    ORDER BY input.ord
    ON CONFLICT (kind, unique_key) WHERE unique_key IS NOT NULL AND state IN ('pending', 'running', 'completed') DO NOTHING
    RETURNING jobs.id, jobs.kind, jobs.queue, jobs.unique_key, jobs.run_at
), notified AS (
    SELECT count(pg_notify('larder_jobs', due.queue)) AS queues
    FROM (SELECT DISTINCT inserted.queue FROM inserted WHERE inserted.run_at <= now()) AS due
)
SELECT inserted.id, inserted.kind, inserted.unique_key FROM inserted, notified;

-- name: SelectUniqueJobs :many
-- many: batch JobKey
-- The pending, running or completed jobs that hold the given (kind,
-- unique_key) pairs, in no particular order.
SELECT jobs.id, jobs.kind, jobs.unique_key
FROM jobs
JOIN (SELECT unnest(@kind::text[]) AS kind, unnest(@unique_key::text[]) AS unique_key) AS wanted
  ON jobs.kind = wanted.kind AND jobs.unique_key = wanted.unique_key
WHERE jobs.unique_key IS NOT NULL AND jobs.state IN ('pending', 'running', 'completed');

-- name: FetchJobs :many
-- Claims up to row_limit due jobs of a queue for a worker, of the kinds it
-- has handlers for (others wait for a worker that has): highest priority
-- first, then oldest. SKIP LOCKED lets workers fetch at the same
-- time without waiting on, or taking, each other's rows. A claimed job's
-- attempt counts, and it holds a lease its worker must renew.
--
-- The update finds the picked rows by primary key (= ANY of their ids), not
-- by a join: a generic plan, which guesses LIMIT at a tenth of the table,
-- turned the join into a hash join over a scan of every job, per fetch.
WITH picked AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.state = 'pending' AND jobs.queue = @queue AND jobs.run_at <= now()
      AND jobs.kind = ANY(@kinds::text[])
    ORDER BY jobs.priority, jobs.run_at, jobs.id
    LIMIT @row_limit
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET
    state = 'running',
    attempt = jobs.attempt + 1,
    attempted_at = now(),
    attempted_by = @worker::text,
    lease_expires_at = now() + '1 millisecond'::interval * @lease_ms::int,
    updated_at = now()
WHERE jobs.id = ANY(ARRAY(SELECT picked.id FROM picked))
RETURNING jobs.id, jobs.kind, jobs.queue, jobs.payload, jobs.priority, jobs.attempt, jobs.max_attempts,
          jobs.timeout_ms, jobs.run_at, jobs.created_at, jobs.cancel_requested_at;

-- name: FinishJobs :many
-- Records how runs ended, many at once: completed, retried or snoozed
-- (pending again after a delay on the database's clock; a snooze gives its
-- attempt back), cancelled or discarded (out of attempts). An error, when
-- given, joins the job's history. A run counts only while its job is still
-- the one the worker holds (running, same attempt): a job rescued meanwhile
-- belongs to its new run.
--
-- The outcomes come as one JSON object keyed by job id, {"<id>": {"attempt",
-- "state", "delay_ms", "snoozed", "error"}}, looked up per row, not joined:
-- a join's plan rests on how many jobs the statistics think are running,
-- which can be badly stale (analysed while all were pending), and one such
-- plan rescanned the input once per row. Rows are found by primary key.
UPDATE jobs SET
    state = (@outcomes::jsonb -> jobs.id::text ->> 'state')::job_state,
    run_at = CASE WHEN @outcomes::jsonb -> jobs.id::text ->> 'state' = 'pending'
                  THEN now() + '1 millisecond'::interval * (@outcomes::jsonb -> jobs.id::text ->> 'delay_ms')::bigint
                  ELSE jobs.run_at END,
    attempt = CASE WHEN (@outcomes::jsonb -> jobs.id::text ->> 'snoozed')::bool THEN jobs.attempt - 1 ELSE jobs.attempt END,
    errors = CASE WHEN @outcomes::jsonb -> jobs.id::text -> 'error' IS NULL THEN jobs.errors
                  ELSE jobs.errors || jsonb_build_array(@outcomes::jsonb -> jobs.id::text -> 'error') END,
    finished_at = CASE WHEN @outcomes::jsonb -> jobs.id::text ->> 'state' IN ('completed', 'cancelled', 'discarded') THEN now() END,
    lease_expires_at = NULL,
    updated_at = now()
WHERE jobs.id = ANY(@ids::bigint[])
  AND jobs.state = 'running'
  AND jobs.attempt = (@outcomes::jsonb -> jobs.id::text ->> 'attempt')::int
RETURNING jobs.id;

-- name: CompleteJobs :many
-- many: batch JobRun
-- Completes running jobs in the transaction of their handlers' own writes
-- (jobs.CompleteTx): a job is done exactly when those writes commit. Only
-- a run still holding its job counts (running, same attempt); the run's
-- outcome, recorded after, then finds the job no longer running and
-- changes nothing. Rows are locked in id order, as every batch write's.
WITH locked AS (
    SELECT jobs.id, run.attempt
    FROM jobs JOIN (SELECT unnest(@id::bigint[]) AS id, unnest(@attempt::int[]) AS attempt) AS run ON run.id = jobs.id
    WHERE jobs.state = 'running'
    ORDER BY jobs.id
    FOR UPDATE OF jobs
)
UPDATE jobs SET
    state = 'completed',
    finished_at = now(),
    lease_expires_at = NULL,
    updated_at = now()
FROM locked
WHERE jobs.id = locked.id AND jobs.attempt = locked.attempt
RETURNING jobs.id;

-- name: RenewJobLeases :many
-- Extends the leases of a worker's running jobs; a job missing from the
-- result is no longer the worker's (rescued). cancel_requested tells the
-- worker to stop a run whose cancel notification it missed.
UPDATE jobs SET lease_expires_at = now() + '1 millisecond'::interval * @lease_ms::int
WHERE jobs.id = ANY(@ids::bigint[]) AND jobs.state = 'running' AND jobs.attempted_by = @worker::text
RETURNING jobs.id, (jobs.cancel_requested_at IS NOT NULL)::bool AS cancel_requested;

-- name: RescueJobs :many
-- Running jobs whose lease expired (their worker died or stalled) go back
-- to pending at once, or are discarded when out of attempts, or cancelled
-- when that was asked; the lost run joins their error history. At most
-- row_limit per statement; rows are found by primary key (see FetchJobs).
WITH expired AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.state = 'running' AND jobs.lease_expires_at < now()
    ORDER BY jobs.id
    LIMIT @row_limit
    FOR UPDATE SKIP LOCKED
)
UPDATE jobs SET
    state = CASE WHEN jobs.cancel_requested_at IS NOT NULL THEN 'cancelled'::job_state
                 WHEN jobs.attempt >= jobs.max_attempts THEN 'discarded'::job_state
                 ELSE 'pending'::job_state END,
    finished_at = CASE WHEN jobs.cancel_requested_at IS NULL AND jobs.attempt < jobs.max_attempts THEN NULL ELSE now() END,
    run_at = now(),
    lease_expires_at = NULL,
    errors = jobs.errors || jsonb_build_array(jsonb_build_object(
        'attempt', jobs.attempt,
        'error', 'lease expired: worker ' || coalesce(jobs.attempted_by, '') || ' stopped renewing it',
        'at', now())),
    updated_at = now()
WHERE jobs.id = ANY(ARRAY(SELECT expired.id FROM expired))
RETURNING jobs.id, jobs.state;

-- name: CancelJobs :many
-- many: select
-- Cancels jobs: a pending one at once; a running one is asked to stop (its
-- worker hears it on larder_jobs_cancel, cancels the run and records it
-- cancelled). Finished jobs are left as they are.
WITH locked AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.id = ANY(@ids::bigint[]) AND jobs.state IN ('pending', 'running')
    ORDER BY jobs.id
    FOR UPDATE
), updated AS (
    UPDATE jobs SET
        state = CASE WHEN jobs.state = 'pending' THEN 'cancelled'::job_state ELSE jobs.state END,
        finished_at = CASE WHEN jobs.state = 'pending' THEN now() ELSE jobs.finished_at END,
        cancel_requested_at = now(),
        updated_at = now()
    WHERE jobs.id = ANY(ARRAY(SELECT locked.id FROM locked))
    RETURNING jobs.*
), notified AS (
    SELECT count(pg_notify('larder_jobs_cancel', updated.id::text)) AS jobs
    FROM updated WHERE updated.state = 'running'
)
SELECT updated.* FROM updated, notified;

-- name: PruneJobs :many
-- Deletes jobs that finished before @before, at most row_limit per
-- statement, so a long backlog goes in short steps.
DELETE FROM jobs
WHERE jobs.id IN (
    SELECT old.id FROM jobs AS old
    WHERE old.finished_at < @before::timestamptz
    ORDER BY old.finished_at
    LIMIT @row_limit
)
RETURNING jobs.id;

-- name: CountJobs :many
-- How many jobs each queue has in each state.
SELECT jobs.queue, jobs.state, count(*)::bigint AS jobs
FROM jobs
GROUP BY jobs.queue, jobs.state
ORDER BY jobs.queue, jobs.state;

-- name: EnsureJobSchedules :many
-- many: batch JobSchedule
-- Adds the schedules the table does not have yet; existing ones keep their
-- next run.
INSERT INTO job_schedules (name, next_run_at)
SELECT unnest(@name::text[]), unnest(@next_run_at::timestamptz[])
ON CONFLICT (name) DO NOTHING
RETURNING name;

-- name: ClaimDueJobSchedules :many
-- The given schedules that are due, locked until the transaction ends;
-- SKIP LOCKED leaves one another worker is handling to it. now is the
-- database's clock, which schedules run by.
SELECT job_schedules.name, job_schedules.next_run_at, now()::timestamptz AS now
FROM job_schedules
WHERE job_schedules.name = ANY(@names::text[]) AND job_schedules.next_run_at <= now()
ORDER BY job_schedules.name
FOR UPDATE SKIP LOCKED;

-- name: UpdateJobSchedules :many
-- many: batch JobSchedule
-- Moves schedules to their next run.
UPDATE job_schedules SET next_run_at = u.next_run_at, updated_at = now()
FROM (SELECT unnest(@name::text[]) AS name, unnest(@next_run_at::timestamptz[]) AS next_run_at) AS u
WHERE job_schedules.name = u.name
RETURNING job_schedules.name;

-- name: JobStats :many
-- What each queue did in the last window_ms: jobs finished by state, and
-- the median and 99th percentile of their queue latency (due to started)
-- and run time (started to finished), in milliseconds. The finished_at
-- index bounds the scan to the window.
SELECT jobs.queue,
       count(*) FILTER (WHERE jobs.state = 'completed')::bigint AS completed,
       count(*) FILTER (WHERE jobs.state = 'discarded')::bigint AS discarded,
       count(*) FILTER (WHERE jobs.state = 'cancelled')::bigint AS cancelled,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM jobs.attempted_at - jobs.run_at) * 1000), 0)::float8 AS wait_p50_ms,
       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM jobs.attempted_at - jobs.run_at) * 1000), 0)::float8 AS wait_p99_ms,
       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM jobs.finished_at - jobs.attempted_at) * 1000), 0)::float8 AS run_p50_ms,
       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM jobs.finished_at - jobs.attempted_at) * 1000), 0)::float8 AS run_p99_ms
FROM jobs
WHERE jobs.finished_at >= now() - '1 millisecond'::interval * @window_ms::bigint
  AND jobs.attempted_at IS NOT NULL
GROUP BY jobs.queue
ORDER BY jobs.queue;

-- name: CommitAsynchronously :exec
-- The worker's bookkeeping session commits without waiting for the WAL to
-- reach disk (jobs.Worker.Run says why that is safe). Through a
-- transaction pooler a session's settings do not last: the worker then
-- does not ask.
SELECT set_config('synchronous_commit', 'off', false);

-- name: SelectFailedJobs :many
-- The newest failures, at most row_limit, newest first, in two scans of
-- at most row_limit rows each: the finished ones (discarded, cancelled)
-- by jobs_failed_idx, the retrying ones (pending or running with errors)
-- by jobs_retrying_idx; neither reads a completed job.
SELECT jobs.* FROM jobs
JOIN (
    (SELECT f.id, f.finished_at AS failed_at FROM jobs AS f
     WHERE f.finished_at IS NOT NULL AND f.state IN ('discarded', 'cancelled')
     ORDER BY f.finished_at DESC
     LIMIT @row_limit)
    UNION ALL
    (SELECT r.id, r.attempted_at FROM jobs AS r
     WHERE r.state IN ('pending', 'running') AND r.errors <> '[]'::jsonb
     ORDER BY r.attempted_at DESC NULLS LAST
     LIMIT @row_limit)
) AS failed ON failed.id = jobs.id
ORDER BY failed.failed_at DESC NULLS LAST, jobs.id DESC
LIMIT @row_limit;
