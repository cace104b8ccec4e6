-- name: SetSettings :exec
-- Sets run-time settings (statement_timeout, lock_timeout...) for the rest
-- of a connection's session, or with local for the rest of the
-- transaction (SET LOCAL), all in one round trip. set_config, unlike SET,
-- takes its name and value as parameters.
SELECT set_config(s.name, s.value, @local::bool)
FROM (SELECT unnest(@names::text[]) AS name, unnest(@values::text[]) AS value) AS s;
