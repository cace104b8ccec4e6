-- migrate:up

-- Periodic jobs: one row per schedule, holding when it next runs. A worker
-- claims due rows FOR UPDATE SKIP LOCKED, enqueues their jobs and moves
-- next_run_at on in the same transaction, so each period's job is enqueued
-- once however many workers run.
CREATE TABLE job_schedules (
    name        text        PRIMARY KEY,
    next_run_at timestamptz NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT job_schedules_name_check CHECK (char_length(name) BETWEEN 1 AND 200)
);

-- migrate:down
DROP TABLE job_schedules;
