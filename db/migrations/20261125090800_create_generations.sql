-- migrate:up

CREATE TYPE generation_status AS ENUM ('pending', 'running', 'succeeded', 'failed');

-- A generation is a row before it is a model call: the request writes it
-- pending, the worker's job moves it through running to succeeded or
-- failed. Jobs are pruned after a while; the generation keeps its result.
CREATE TABLE generations (
    id                uuid              PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id          uuid              NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    agent             text              NOT NULL,
    status            generation_status NOT NULL DEFAULT 'pending',
    input             jsonb             NOT NULL,
    output            jsonb,
    model             text,
    prompt_tokens     integer,
    completion_tokens integer,
    latency_ms        integer,
    attempts          integer           NOT NULL DEFAULT 0,
    error             text,
    job_id            bigint            REFERENCES jobs (id) ON DELETE SET NULL,
    started_at        timestamptz,
    finished_at       timestamptz,
    created_at        timestamptz       NOT NULL DEFAULT now(),
    updated_at        timestamptz       NOT NULL DEFAULT now(),
    CONSTRAINT generations_agent_check CHECK (char_length(agent) BETWEEN 1 AND 100),
    CONSTRAINT generations_tokens_check CHECK (prompt_tokens >= 0 AND completion_tokens >= 0),
    CONSTRAINT generations_latency_ms_check CHECK (latency_ms >= 0),
    CONSTRAINT generations_attempts_check CHECK (attempts >= 0),
    CONSTRAINT generations_output_check CHECK (status <> 'succeeded' OR output IS NOT NULL),
    CONSTRAINT generations_error_check CHECK (status <> 'failed' OR error IS NOT NULL)
);

CREATE INDEX generations_owner_id_created_at_id_idx ON generations (owner_id, created_at, id);
CREATE INDEX generations_owner_id_agent_status_idx ON generations (owner_id, agent, status);
CREATE INDEX generations_job_id_idx ON generations (job_id);

-- migrate:down
DROP TABLE generations;
DROP TYPE generation_status;
