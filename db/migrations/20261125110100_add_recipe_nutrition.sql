-- migrate:up

-- A cache of each recipe's nutrients per serving, for lists and filters. A
-- job recomputes it when a recipe's ingredients or their foods change;
-- NULL until first computed.
ALTER TABLE recipes
    ADD COLUMN energy_kcal_per_serving numeric(8,2),
    ADD COLUMN protein_g_per_serving   numeric(8,2),
    ADD COLUMN fat_g_per_serving       numeric(8,2),
    ADD COLUMN carbs_g_per_serving     numeric(8,2),
    ADD COLUMN nutrition_computed_at   timestamptz;

-- migrate:down
ALTER TABLE recipes
    DROP COLUMN energy_kcal_per_serving,
    DROP COLUMN protein_g_per_serving,
    DROP COLUMN fat_g_per_serving,
    DROP COLUMN carbs_g_per_serving,
    DROP COLUMN nutrition_computed_at;
