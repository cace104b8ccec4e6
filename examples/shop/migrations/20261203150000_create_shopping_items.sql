-- migrate:up
-- A user's shopping list: Larder's users own the rows, so deleting a user
-- deletes their list.
CREATE TABLE shopping_items (
    id uuid PRIMARY KEY,
    owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name text NOT NULL CHECK (name <> ''),
    quantity integer NOT NULL DEFAULT 1 CHECK (quantity > 0),
    bought boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (owner_id, name)
);
CREATE INDEX shopping_items_owner_created ON shopping_items (owner_id, created_at, id);

-- migrate:down
DROP TABLE shopping_items;
