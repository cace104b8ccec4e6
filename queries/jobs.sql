-- name: InsertJobs :many
-- Identity ids are assigned in the order the SELECT produces rows, which for
-- unnest is array order, so ids ascend in input order. An empty unique key
-- and a zero timeout are NULL; a zero run_at (0001-01-01) is now() on the
-- database's clock, the one every worker compares run_at with.
INSERT INTO jobs (kind, queue, payload, priority, max_attempts, run_at, unique_key, timeout_ms)
SELECT j.kind, j.queue, j.payload, j.priority, j.max_attempts,
       coalesce(nullif(j.run_at, '0001-01-01 00:00:00+00'), now()),
       nullif(j.unique_key, ''),
       nullif(j.timeout_ms, 0)
FROM (
    SELECT unnest(@kinds::text[]) AS kind,
           unnest(@queues::text[]) AS queue,
           unnest(@payloads::jsonb[]) AS payload,
           unnest(@priorities::smallint[]) AS priority,
           unnest(@max_attempts::int[]) AS max_attempts,
           unnest(@run_ats::timestamptz[]) AS run_at,
           unnest(@unique_keys::text[]) AS unique_key,
           unnest(@timeout_ms::int[]) AS timeout_ms
) AS j
RETURNING *;

-- name: SelectJobs :many
SELECT * FROM jobs WHERE id = ANY(@ids::bigint[]);

-- name: ListJobs :many
SELECT * FROM jobs
WHERE (sqlc.narg(queue)::text IS NULL OR queue = sqlc.narg(queue)::text)
  AND (sqlc.narg(state)::text IS NULL OR state = sqlc.narg(state)::text::job_state)
  AND (sqlc.narg(kind)::text IS NULL OR kind = sqlc.narg(kind)::text)
  AND id > @after_id::bigint
ORDER BY id
LIMIT @row_limit;

-- name: UpdateJobs :many
-- Reschedules or reprioritises pending jobs; jobs in any other state are
-- left alone (a worker owns a running job, finished jobs are history).
WITH input AS (
    SELECT unnest(@ids::bigint[]) AS id,
           unnest(@set_priorities::bool[]) AS set_priority,
           unnest(@priorities::smallint[]) AS priority,
           unnest(@set_run_ats::bool[]) AS set_run_at,
           unnest(@run_ats::timestamptz[]) AS run_at,
           unnest(@set_max_attempts::bool[]) AS set_max_attempts,
           unnest(@max_attempts::int[]) AS max_attempts
), locked AS (
    SELECT jobs.id FROM jobs
    WHERE jobs.id = ANY(@ids::bigint[]) AND jobs.state = 'pending'
    ORDER BY jobs.id
    FOR UPDATE
)
UPDATE jobs AS j SET
    priority     = CASE WHEN i.set_priority THEN i.priority ELSE j.priority END,
    run_at       = CASE WHEN i.set_run_at THEN i.run_at ELSE j.run_at END,
    max_attempts = CASE WHEN i.set_max_attempts THEN i.max_attempts ELSE j.max_attempts END,
    updated_at   = now()
FROM input AS i JOIN locked USING (id)
WHERE j.id = i.id
RETURNING j.*;

-- name: DeleteJobs :many
-- Running jobs are not deleted: their worker still holds them.
DELETE FROM jobs AS j
USING (
    SELECT jobs.id FROM jobs
    WHERE jobs.id = ANY(@ids::bigint[]) AND jobs.state <> 'running'
    ORDER BY jobs.id
    FOR UPDATE
) AS locked
WHERE j.id = locked.id
RETURNING j.*;
