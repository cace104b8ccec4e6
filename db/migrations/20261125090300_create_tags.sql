-- migrate:up

CREATE TABLE tags (
    id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       citext      NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tags_owner_id_name_key UNIQUE (owner_id, name),
    CONSTRAINT tags_name_check CHECK (char_length(name) BETWEEN 1 AND 50)
);

CREATE INDEX tags_owner_id_created_at_id_idx ON tags (owner_id, created_at, id);

-- A pair table: its primary key serves lookups by food, tag_id's index
-- lookups by tag. Either side going removes the pair.
CREATE TABLE food_tags (
    food_id    uuid        NOT NULL REFERENCES foods (id) ON DELETE CASCADE,
    tag_id     uuid        NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (food_id, tag_id)
);

CREATE INDEX food_tags_tag_id_food_id_idx ON food_tags (tag_id, food_id);

-- migrate:down
DROP TABLE food_tags;
DROP TABLE tags;
