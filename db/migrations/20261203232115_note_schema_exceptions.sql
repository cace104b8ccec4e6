-- migrate:up

-- The schema rules (tests/rules, db/README.md "Rules") read these comments
-- as deliberate exceptions, each with its reason.
COMMENT ON COLUMN foods.owner_id IS
    'lint: nullable-owner: a NULL owner is the shared catalog, which every user reads and only imports write';

-- No ON DELETE action: a food or recipe that a recipe or the journal uses
-- cannot be deleted from under it. NO ACTION rather than RESTRICT so that
-- the check waits for commit: deleting a user cascades to their foods
-- before it reaches their recipes' ingredients and journal.
COMMENT ON CONSTRAINT meal_entries_food_id_fkey ON meal_entries IS
    'lint: no-action: a food the journal uses cannot be deleted, checked at commit so that deleting a user succeeds';
COMMENT ON CONSTRAINT meal_entries_recipe_id_fkey ON meal_entries IS
    'lint: no-action: a recipe the journal uses cannot be deleted, checked at commit so that deleting a user succeeds';
COMMENT ON CONSTRAINT recipe_ingredients_food_id_fkey ON recipe_ingredients IS
    'lint: no-action: a food a recipe uses cannot be deleted, checked at commit so that deleting a user succeeds';

-- migrate:down
COMMENT ON CONSTRAINT recipe_ingredients_food_id_fkey ON recipe_ingredients IS NULL;
COMMENT ON CONSTRAINT meal_entries_recipe_id_fkey ON meal_entries IS NULL;
COMMENT ON CONSTRAINT meal_entries_food_id_fkey ON meal_entries IS NULL;
COMMENT ON COLUMN foods.owner_id IS NULL;
