-- name: InsertGenerations :many
-- many: insert NewGeneration
-- A generation starts pending.
INSERT INTO generations (id, owner_id, agent, input, job_id)
SELECT unnest(@id::uuid[]),
       unnest(@owner_id::uuid[]),
       unnest(@agent::text[]),
       unnest(@input::jsonb[]),
       unnest(sqlc.narg(job_id)::bigint[])
RETURNING *;

-- name: SelectGenerations :many
-- many: select
SELECT * FROM generations WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListGenerations :many
-- many: list GenerationFilter
SELECT * FROM generations
WHERE owner_id = @owner_id
  AND (sqlc.narg(agent)::text IS NULL OR agent = sqlc.narg(agent)::text)
  AND (sqlc.narg(status)::text IS NULL OR status = sqlc.narg(status)::text::generation_status)
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: UpdateGenerations :many
-- many: update GenerationPatch
-- Each set_x array says whether row i changes that column or group:
-- set_generation_result writes output, model, token counts and latency
-- together. A move to running stamps started_at; a move to succeeded or
-- failed stamps finished_at. Rows are locked in id order (see UpdateFoods).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_status::bool[]) AS set_status,
           nullif(unnest(@status::text[]), '')::generation_status AS status,
           unnest(@set_generation_result::bool[]) AS set_result,
           unnest(@output::jsonb[]) AS output,
           unnest(sqlc.narg(model)::text[]) AS model,
           unnest(@prompt_tokens::int[]) AS prompt_tokens,
           unnest(@completion_tokens::int[]) AS completion_tokens,
           unnest(@latency_ms::int[]) AS latency_ms,
           unnest(@set_error::bool[]) AS set_error,
           unnest(sqlc.narg(error)::text[]) AS error,
           unnest(@set_job_id::bool[]) AS set_job_id,
           unnest(sqlc.narg(job_id)::bigint[]) AS job_id
), locked AS (
    SELECT generations.id FROM generations
    WHERE generations.id = ANY(ARRAY(SELECT input.id FROM input))
      AND generations.owner_id = @owner_id
    ORDER BY generations.id
    FOR UPDATE
)
UPDATE generations AS g SET
    status            = CASE WHEN i.set_status THEN i.status ELSE g.status END,
    output            = CASE WHEN i.set_result THEN i.output ELSE g.output END,
    model             = CASE WHEN i.set_result THEN i.model ELSE g.model END,
    prompt_tokens     = CASE WHEN i.set_result THEN i.prompt_tokens ELSE g.prompt_tokens END,
    completion_tokens = CASE WHEN i.set_result THEN i.completion_tokens ELSE g.completion_tokens END,
    latency_ms        = CASE WHEN i.set_result THEN i.latency_ms ELSE g.latency_ms END,
    error             = CASE WHEN i.set_error THEN i.error ELSE g.error END,
    job_id            = CASE WHEN i.set_job_id THEN i.job_id ELSE g.job_id END,
    started_at        = CASE WHEN i.set_status AND i.status = 'running' THEN now() ELSE g.started_at END,
    finished_at       = CASE WHEN i.set_status AND i.status IN ('succeeded', 'failed') THEN now() ELSE g.finished_at END,
    updated_at        = now()
FROM input AS i
WHERE g.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND g.id = i.id
RETURNING g.*;

-- name: StartGenerations :many
-- A worker's run of a job takes the job's generation (generations hold
-- their job's id) to running and counts the attempt: from pending, or from
-- running when an earlier run was cut short (a crash, a shutdown).
-- Generations that succeeded or failed are not returned, so no run of a
-- job sends them to the model again. FOR UPDATE re-checks the status once
-- a concurrent run's lock is released.
WITH locked AS (
    SELECT generations.id FROM generations
    WHERE generations.job_id = ANY(@job_ids::bigint[]) AND generations.owner_id = @owner_id
      AND generations.status IN ('pending', 'running')
    ORDER BY generations.id
    FOR UPDATE
)
UPDATE generations AS g SET
    status     = 'running',
    attempts   = g.attempts + 1,
    error      = NULL,
    started_at = now(),
    updated_at = now()
WHERE g.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING g.*;

-- name: FinishGenerationRuns :many
-- many: update GenerationOutcome
-- Records how runs ended: a generation moves to its status (pending again
-- for a retry, succeeded or failed) with its output and error (NULL for
-- none), its tokens and latency added to those of earlier runs, its model
-- kept when none is given. Only a generation still running the attempt
-- changes: a run that lost its job to another worker writes nothing (the
-- attempt count fences it off).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@attempt::int[]) AS attempt,
           unnest(@status::text[])::generation_status AS status,
           unnest(@output::jsonb[]) AS output,
           unnest(sqlc.narg(model)::text[]) AS model,
           unnest(@prompt_tokens::int[]) AS prompt_tokens,
           unnest(@completion_tokens::int[]) AS completion_tokens,
           unnest(@latency_ms::int[]) AS latency_ms,
           unnest(sqlc.narg(error)::text[]) AS error
), locked AS (
    SELECT generations.id FROM generations
    WHERE generations.id = ANY(ARRAY(SELECT input.id FROM input))
      AND generations.owner_id = @owner_id
    ORDER BY generations.id
    FOR UPDATE
)
UPDATE generations AS g SET
    status            = i.status,
    output            = i.output,
    model             = coalesce(i.model, g.model),
    prompt_tokens     = coalesce(g.prompt_tokens, 0) + i.prompt_tokens,
    completion_tokens = coalesce(g.completion_tokens, 0) + i.completion_tokens,
    latency_ms        = coalesce(g.latency_ms, 0) + i.latency_ms,
    error             = i.error,
    finished_at       = CASE WHEN i.status IN ('succeeded', 'failed') THEN now() END,
    updated_at        = now()
FROM input AS i
WHERE g.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND g.id = i.id AND g.status = 'running' AND g.attempts = i.attempt
RETURNING g.*;

-- name: DeleteGenerations :many
-- many: delete
WITH locked AS (
    SELECT generations.id FROM generations
    WHERE generations.id = ANY(@ids::uuid[]) AND generations.owner_id = @owner_id
    ORDER BY generations.id
    FOR UPDATE
)
DELETE FROM generations AS g
WHERE g.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING g.*;
