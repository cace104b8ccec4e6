-- migrate:up

-- The failures an operator looks at (Client.Failed, the dashboard's
-- overview), newest first, without reading the completed jobs: the
-- discarded and cancelled ones by when they finished, the ones retrying
-- after a failed attempt by when they last ran. Both hold only failed
-- jobs, so the queue's own writes rarely touch them.
CREATE INDEX jobs_failed_idx ON jobs (finished_at DESC)
    WHERE state IN ('discarded', 'cancelled');
CREATE INDEX jobs_retrying_idx ON jobs (attempted_at DESC NULLS LAST)
    WHERE state IN ('pending', 'running') AND errors <> '[]'::jsonb;

-- migrate:down
DROP INDEX jobs_retrying_idx;
DROP INDEX jobs_failed_idx;
