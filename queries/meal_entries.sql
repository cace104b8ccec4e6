-- name: InsertMealEntries :many
-- many: insert NewMealEntry
-- An entry is a food by weight or servings of a recipe: the other pair is
-- NULL. Like every insert, it does not check that the food or recipe is the
-- owner's; the caller (an action) does, in the same transaction.
INSERT INTO meal_entries (id, owner_id, eaten_at, meal, food_id, grams, recipe_id, servings)
SELECT unnest(@id::uuid[]),
       unnest(@owner_id::uuid[]),
       unnest(@eaten_at::timestamptz[]),
       unnest(@meal::text[])::meal_kind,
       unnest(sqlc.narg(food_id)::uuid[]),
       unnest(sqlc.narg(grams)::numeric[]),
       unnest(sqlc.narg(recipe_id)::uuid[]),
       unnest(sqlc.narg(servings)::numeric[])
RETURNING *;

-- name: CopyMealEntries :copyfrom
-- many: copy NewMealEntry
-- The bulk load of journal entries (see CopyFoods).
INSERT INTO meal_entries (id, owner_id, eaten_at, meal, food_id, grams, recipe_id, servings)
VALUES (@id, @owner_id, @eaten_at, @meal, @food_id, @grams, @recipe_id, @servings);

-- name: SelectMealEntries :many
-- many: select
SELECT * FROM meal_entries WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListMealEntries :many
-- many: list MealEntryFilter
-- Entries eaten in [eaten_from, eaten_before), in eating order; a NULL
-- bound does not bound.
SELECT * FROM meal_entries
WHERE owner_id = @owner_id
  AND (sqlc.narg(eaten_from)::timestamptz IS NULL OR eaten_at >= sqlc.narg(eaten_from)::timestamptz)
  AND (sqlc.narg(eaten_before)::timestamptz IS NULL OR eaten_at < sqlc.narg(eaten_before)::timestamptz)
  AND (sqlc.narg(meal)::text IS NULL OR meal = sqlc.narg(meal)::text::meal_kind)
  AND (eaten_at, id) > (@after_eaten_at::timestamptz, @after_id::uuid)
ORDER BY eaten_at, id
LIMIT @row_limit;

-- name: UpdateMealEntries :many
-- many: update MealEntryPatch
-- set_meal_source replaces the whole (food_id, grams, recipe_id, servings)
-- group, so an entry switches between food and recipe in one step. Rows are
-- locked in id order (see UpdateFoods).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_eaten_at::bool[]) AS set_eaten_at,
           unnest(@eaten_at::timestamptz[]) AS eaten_at,
           unnest(@set_meal::bool[]) AS set_meal,
           nullif(unnest(@meal::text[]), '')::meal_kind AS meal,
           unnest(@set_meal_source::bool[]) AS set_source,
           unnest(sqlc.narg(food_id)::uuid[]) AS food_id,
           unnest(sqlc.narg(grams)::numeric[]) AS grams,
           unnest(sqlc.narg(recipe_id)::uuid[]) AS recipe_id,
           unnest(sqlc.narg(servings)::numeric[]) AS servings
), locked AS (
    SELECT meal_entries.id FROM meal_entries
    WHERE meal_entries.id = ANY(ARRAY(SELECT input.id FROM input))
      AND meal_entries.owner_id = @owner_id
    ORDER BY meal_entries.id
    FOR UPDATE
)
UPDATE meal_entries AS m SET
    eaten_at   = CASE WHEN i.set_eaten_at THEN i.eaten_at ELSE m.eaten_at END,
    meal       = CASE WHEN i.set_meal THEN i.meal ELSE m.meal END,
    food_id    = CASE WHEN i.set_source THEN i.food_id ELSE m.food_id END,
    grams      = CASE WHEN i.set_source THEN i.grams ELSE m.grams END,
    recipe_id  = CASE WHEN i.set_source THEN i.recipe_id ELSE m.recipe_id END,
    servings   = CASE WHEN i.set_source THEN i.servings ELSE m.servings END,
    updated_at = now()
FROM input AS i
WHERE m.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND m.id = i.id
RETURNING m.*;

-- name: DeleteMealEntries :many
-- many: delete
WITH locked AS (
    SELECT meal_entries.id FROM meal_entries
    WHERE meal_entries.id = ANY(@ids::uuid[]) AND meal_entries.owner_id = @owner_id
    ORDER BY meal_entries.id
    FOR UPDATE
)
DELETE FROM meal_entries AS m
WHERE m.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING m.*;

-- name: DailyTotals :many
-- Nutrients eaten per calendar day in time_zone, for the days from
-- first_day to last_day that have entries. A food entry counts grams / 100
-- of the food's nutrients; a recipe entry counts servings times the recipe's
-- nutrients per serving. The range is turned into eaten_at bounds so the
-- (owner_id, eaten_at) index serves it.
WITH bounds AS (
    SELECT @time_zone::text AS time_zone,
           timezone(@time_zone::text, CAST(@first_day::date AS timestamp)) AS eaten_from,
           timezone(@time_zone::text, CAST(@last_day::date AS timestamp) + '1 day'::interval) AS eaten_before
), entries AS (
    SELECT timezone(b.time_zone, m.eaten_at)::date AS day,
           m.food_id, m.grams, m.recipe_id, m.servings
    FROM meal_entries AS m, bounds AS b
    WHERE m.owner_id = @owner_id
      AND m.eaten_at >= b.eaten_from
      AND m.eaten_at < b.eaten_before
), per_serving AS (
    SELECT r.id,
           sum(ri.grams * f.energy_kcal / 100) / r.servings AS energy_kcal,
           sum(ri.grams * f.protein_g / 100) / r.servings AS protein_g,
           sum(ri.grams * f.fat_g / 100) / r.servings AS fat_g,
           sum(ri.grams * f.carbs_g / 100) / r.servings AS carbs_g,
           sum(ri.grams * f.fiber_g / 100) / r.servings AS fiber_g,
           sum(ri.grams * f.sugar_g / 100) / r.servings AS sugar_g,
           sum(ri.grams * f.sodium_mg / 100) / r.servings AS sodium_mg
    FROM recipes AS r
    JOIN recipe_ingredients AS ri ON ri.recipe_id = r.id
    JOIN foods AS f ON f.id = ri.food_id
    WHERE r.id IN (SELECT entries.recipe_id FROM entries)
    GROUP BY r.id
)
SELECT e.day::date AS day,
       count(*)::int AS entries,
       coalesce(sum(coalesce(e.grams * f.energy_kcal / 100, e.servings * ps.energy_kcal)), 0)::float8 AS energy_kcal,
       coalesce(sum(coalesce(e.grams * f.protein_g / 100, e.servings * ps.protein_g)), 0)::float8 AS protein_g,
       coalesce(sum(coalesce(e.grams * f.fat_g / 100, e.servings * ps.fat_g)), 0)::float8 AS fat_g,
       coalesce(sum(coalesce(e.grams * f.carbs_g / 100, e.servings * ps.carbs_g)), 0)::float8 AS carbs_g,
       coalesce(sum(coalesce(e.grams * f.fiber_g / 100, e.servings * ps.fiber_g)), 0)::float8 AS fiber_g,
       coalesce(sum(coalesce(e.grams * f.sugar_g / 100, e.servings * ps.sugar_g)), 0)::float8 AS sugar_g,
       coalesce(sum(coalesce(e.grams * f.sodium_mg / 100, e.servings * ps.sodium_mg)), 0)::float8 AS sodium_mg
FROM entries AS e
LEFT JOIN foods AS f ON f.id = e.food_id
LEFT JOIN per_serving AS ps ON ps.id = e.recipe_id
GROUP BY e.day
ORDER BY e.day;
