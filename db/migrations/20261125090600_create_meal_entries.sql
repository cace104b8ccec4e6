-- migrate:up

CREATE TYPE meal_kind AS ENUM ('breakfast', 'lunch', 'dinner', 'snack');

-- An entry is either a food eaten by weight or servings of a recipe. Foods
-- and recipes that appear in the journal cannot be deleted (no ON DELETE
-- action): the history would silently change. The checks are deferred to
-- commit so that deleting a user, which cascades to their foods, recipes and
-- entries in no set order, succeeds.
CREATE TABLE meal_entries (
    id         uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id   uuid         NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    eaten_at   timestamptz  NOT NULL,
    meal       meal_kind    NOT NULL,
    food_id    uuid         REFERENCES foods (id) DEFERRABLE INITIALLY DEFERRED,
    grams      numeric(8,2),
    recipe_id  uuid         REFERENCES recipes (id) DEFERRABLE INITIALLY DEFERRED,
    servings   numeric(6,2),
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT meal_entries_source_check CHECK (
        (food_id IS NOT NULL AND grams IS NOT NULL AND recipe_id IS NULL AND servings IS NULL)
        OR (recipe_id IS NOT NULL AND servings IS NOT NULL AND food_id IS NULL AND grams IS NULL)
    ),
    CONSTRAINT meal_entries_grams_check CHECK (grams > 0 AND grams <= 10000),
    CONSTRAINT meal_entries_servings_check CHECK (servings > 0 AND servings <= 100)
);

-- Serves both keyset pages in eating order and daily totals over a range.
CREATE INDEX meal_entries_owner_id_eaten_at_id_idx ON meal_entries (owner_id, eaten_at, id);
CREATE INDEX meal_entries_food_id_idx ON meal_entries (food_id);
CREATE INDEX meal_entries_recipe_id_idx ON meal_entries (recipe_id);

-- migrate:down
DROP TABLE meal_entries;
DROP TYPE meal_kind;
