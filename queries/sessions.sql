-- name: SetSessionSettings :exec
-- Sets run-time settings (statement_timeout, lock_timeout) for the rest of
-- a connection's session, all in one round trip. set_config, unlike SET,
-- takes its name and value as parameters.
SELECT set_config(s.name, s.value, false)
FROM (SELECT unnest(@names::text[]) AS name, unnest(@values::text[]) AS value) AS s;
