-- migrate:up
CREATE TYPE widget_kind AS ENUM ('small', 'large');
CREATE TABLE widgets (
    id uuid PRIMARY KEY,
    owner_id uuid,
    name text NOT NULL,
    kind widget_kind NOT NULL,
    weight_g numeric(8,2) NOT NULL,
    height_mm numeric(8,2) NOT NULL,
    made_on date,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
-- migrate:down
DROP TABLE widgets;
