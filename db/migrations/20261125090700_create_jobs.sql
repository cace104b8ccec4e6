-- migrate:up

-- pending: waiting for run_at; running: held by a worker's lease;
-- completed, cancelled, discarded (out of attempts): finished, kept until
-- pruned. A retry or snooze puts a job back to pending with a later run_at.
CREATE TYPE job_state AS ENUM ('pending', 'running', 'completed', 'cancelled', 'discarded');

CREATE TABLE jobs (
    id                  bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind                text        NOT NULL,
    queue               text        NOT NULL DEFAULT 'default',
    payload             jsonb       NOT NULL DEFAULT '{}',
    priority            smallint    NOT NULL DEFAULT 1,
    state               job_state   NOT NULL DEFAULT 'pending',
    attempt             integer     NOT NULL DEFAULT 0,
    max_attempts        integer     NOT NULL DEFAULT 25,
    run_at              timestamptz NOT NULL DEFAULT now(),
    unique_key          text,
    timeout_ms          integer,
    -- One element per failed attempt: {"attempt", "error", "at", "trace"}.
    errors              jsonb       NOT NULL DEFAULT '[]',
    attempted_at        timestamptz,
    attempted_by        text,
    lease_expires_at    timestamptz,
    cancel_requested_at timestamptz,
    finished_at         timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT jobs_kind_check CHECK (char_length(kind) BETWEEN 1 AND 100),
    CONSTRAINT jobs_queue_check CHECK (char_length(queue) BETWEEN 1 AND 100),
    -- 1 runs first.
    CONSTRAINT jobs_priority_check CHECK (priority BETWEEN 1 AND 4),
    CONSTRAINT jobs_attempt_check CHECK (attempt >= 0),
    CONSTRAINT jobs_max_attempts_check CHECK (max_attempts BETWEEN 1 AND 1000),
    CONSTRAINT jobs_unique_key_check CHECK (char_length(unique_key) BETWEEN 1 AND 200),
    -- At most a day; longer work belongs in several jobs.
    CONSTRAINT jobs_timeout_ms_check CHECK (timeout_ms BETWEEN 1 AND 86400000),
    CONSTRAINT jobs_errors_check CHECK (jsonb_typeof(errors) = 'array'),
    CONSTRAINT jobs_finished_check CHECK ((state IN ('completed', 'cancelled', 'discarded')) = (finished_at IS NOT NULL)),
    CONSTRAINT jobs_running_check CHECK (state <> 'running' OR lease_expires_at IS NOT NULL)
);

-- The worker's fetch: pending jobs of a queue in priority, then time order.
CREATE INDEX jobs_fetch_idx ON jobs (queue, priority, run_at, id) WHERE state = 'pending';
-- Rescue of running jobs whose worker stopped renewing the lease. Keyed on
-- the lease, not the state, so that statements about a few running jobs by
-- id (recording outcomes, renewing leases) are not planned as a scan of
-- it: until vacuum, it holds an entry for every job that has run.
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE lease_expires_at IS NOT NULL;
-- Pruning of finished jobs after the retention period.
CREATE INDEX jobs_finished_at_idx ON jobs (finished_at) WHERE finished_at IS NOT NULL;
-- No index on state: every transition would pay for it, and a plan that
-- scans it for the few running jobs wades through every job that ever ran
-- until vacuum. Counts and lists by state read the table, which pruning
-- keeps short.
-- A unique key is held while its job is pending, running or completed (until
-- pruning deletes it): a key that names a period ("digest:user:day") runs
-- once in that period. A discarded or cancelled job lets its key go, so the
-- work can be enqueued again.
CREATE UNIQUE INDEX jobs_kind_unique_key_idx ON jobs (kind, unique_key)
    WHERE unique_key IS NOT NULL AND state IN ('pending', 'running', 'completed');

-- migrate:down
DROP TABLE jobs;
DROP TYPE job_state;
