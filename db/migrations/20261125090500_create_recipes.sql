-- migrate:up

CREATE TABLE recipes (
    id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title        text        NOT NULL,
    servings     integer     NOT NULL,
    instructions text        NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT recipes_title_check CHECK (char_length(title) BETWEEN 1 AND 200),
    CONSTRAINT recipes_servings_check CHECK (servings BETWEEN 1 AND 100),
    CONSTRAINT recipes_instructions_check CHECK (char_length(instructions) <= 20000)
);

CREATE INDEX recipes_owner_id_created_at_id_idx ON recipes (owner_id, created_at, id);

-- food_id has no ON DELETE action: a food used by a recipe cannot be
-- deleted from under it. The check is deferred to commit because deleting
-- a user cascades to their foods before it reaches their recipes'
-- ingredients; checked at once, that cascade would fail.
CREATE TABLE recipe_ingredients (
    id         uuid         PRIMARY KEY DEFAULT gen_random_uuid(),
    recipe_id  uuid         NOT NULL REFERENCES recipes (id) ON DELETE CASCADE,
    position   integer      NOT NULL,
    food_id    uuid         NOT NULL REFERENCES foods (id) DEFERRABLE INITIALLY DEFERRED,
    grams      numeric(8,2) NOT NULL,
    created_at timestamptz  NOT NULL DEFAULT now(),
    updated_at timestamptz  NOT NULL DEFAULT now(),
    -- Checked at the end of each statement, so one batch update can swap
    -- two ingredients' positions.
    CONSTRAINT recipe_ingredients_recipe_id_position_key UNIQUE (recipe_id, position) DEFERRABLE INITIALLY IMMEDIATE,
    CONSTRAINT recipe_ingredients_position_check CHECK (position BETWEEN 1 AND 1000),
    CONSTRAINT recipe_ingredients_grams_check CHECK (grams > 0 AND grams <= 100000)
);

CREATE INDEX recipe_ingredients_food_id_idx ON recipe_ingredients (food_id);

-- migrate:down
DROP TABLE recipe_ingredients;
DROP TABLE recipes;
