-- migrate:up

-- A generation whose job ends without finishing it (cancelled before it
-- ran, discarded after a crash or a failure on its last attempt) fails with
-- the reason, rather than staying pending or running forever. The worker's
-- own outcomes come first: a generation it already finished is left alone.
CREATE FUNCTION fail_generations_of_ended_job() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE generations SET
        status      = 'failed',
        error       = CASE NEW.state
                          WHEN 'cancelled' THEN 'cancelled: its job was cancelled'
                          ELSE 'its job gave up after ' || NEW.attempt || ' attempts'
                               || coalesce(': ' || left(NEW.errors -> -1 ->> 'error', 500), '')
                      END,
        finished_at = now(),
        updated_at  = now()
    WHERE job_id = NEW.id AND status IN ('pending', 'running');
    RETURN NULL;
END;
$$;

-- WHEN keeps the cost off every other job's transition.
CREATE TRIGGER jobs_fail_generations_of_ended_job
    AFTER UPDATE OF state ON jobs
    FOR EACH ROW
    WHEN (NEW.state IN ('cancelled', 'discarded') AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION fail_generations_of_ended_job();

-- migrate:down

DROP TRIGGER jobs_fail_generations_of_ended_job ON jobs;
DROP FUNCTION fail_generations_of_ended_job();
