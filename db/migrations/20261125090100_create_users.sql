-- migrate:up

-- citext makes email and tag-name uniqueness case-insensitive without
-- expression indexes, so ON CONFLICT targets and error details name plain
-- columns.
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE users (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    email        citext      NOT NULL,
    display_name text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_email_check CHECK (char_length(email) BETWEEN 3 AND 254 AND email LIKE '%_@_%'),
    CONSTRAINT users_display_name_check CHECK (char_length(display_name) BETWEEN 1 AND 100)
);

CREATE INDEX users_created_at_id_idx ON users (created_at, id);

-- migrate:down
DROP TABLE users;
DROP EXTENSION IF EXISTS citext;
