-- migrate:up

CREATE TYPE pantry_unit AS ENUM ('g', 'ml', 'piece');

-- Deleting a food empties it from pantries: an item of a food that no
-- longer exists means nothing.
CREATE TABLE pantry_items (
    id         uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id   uuid          NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    food_id    uuid          NOT NULL REFERENCES foods (id) ON DELETE CASCADE,
    quantity   numeric(10,2) NOT NULL,
    unit       pantry_unit   NOT NULL,
    expires_on date,
    created_at timestamptz   NOT NULL DEFAULT now(),
    updated_at timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT pantry_items_quantity_check CHECK (quantity > 0 AND quantity <= 1000000)
);

CREATE INDEX pantry_items_owner_id_created_at_id_idx ON pantry_items (owner_id, created_at, id);
-- Expiry order: items that never expire sort last (see ListPantryItemsByExpiry).
CREATE INDEX pantry_items_owner_id_expiry_idx ON pantry_items (owner_id, (coalesce(expires_on, '9999-12-31')), id);
CREATE INDEX pantry_items_food_id_idx ON pantry_items (food_id);

-- migrate:down
DROP TABLE pantry_items;
DROP TYPE pantry_unit;
