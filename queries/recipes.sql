-- name: InsertRecipes :many
-- many: insert NewRecipe
INSERT INTO recipes (id, owner_id, title, servings, instructions)
SELECT unnest(@id::uuid[]), unnest(@owner_id::uuid[]), unnest(@title::text[]),
       unnest(@servings::int[]), unnest(@instructions::text[])
RETURNING *;

-- name: SelectRecipes :many
-- many: select
SELECT * FROM recipes WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListRecipes :many
-- many: list RecipeFilter
SELECT * FROM recipes
WHERE owner_id = @owner_id
  AND (sqlc.narg(title_contains)::text IS NULL OR strpos(lower(title), lower(sqlc.narg(title_contains)::text)) > 0)
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: UpdateRecipes :many
-- many: update RecipePatch
-- Each set_x array says whether row i changes column x. Rows are locked in
-- id order (see UpdateFoods).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_title::bool[]) AS set_title,
           unnest(@title::text[]) AS title,
           unnest(@set_servings::bool[]) AS set_servings,
           unnest(@servings::int[]) AS servings,
           unnest(@set_instructions::bool[]) AS set_instructions,
           unnest(@instructions::text[]) AS instructions
), locked AS (
    SELECT recipes.id FROM recipes
    WHERE recipes.id = ANY(ARRAY(SELECT input.id FROM input))
      AND recipes.owner_id = @owner_id
    ORDER BY recipes.id
    FOR UPDATE
)
UPDATE recipes AS r SET
    title        = CASE WHEN i.set_title THEN i.title ELSE r.title END,
    servings     = CASE WHEN i.set_servings THEN i.servings ELSE r.servings END,
    instructions = CASE WHEN i.set_instructions THEN i.instructions ELSE r.instructions END,
    updated_at   = now()
FROM input AS i
WHERE r.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND r.id = i.id
RETURNING r.*;

-- name: DeleteRecipes :many
-- many: delete
-- Ingredients go with their recipe. A recipe the journal uses is not
-- deleted: many.ErrForeignKeyViolation, at commit.
WITH locked AS (
    SELECT recipes.id FROM recipes
    WHERE recipes.id = ANY(@ids::uuid[]) AND recipes.owner_id = @owner_id
    ORDER BY recipes.id
    FOR UPDATE
)
DELETE FROM recipes AS r
WHERE r.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING r.*;

-- name: RecipeNutrients :many
-- Whole-recipe nutrients: the sum over ingredients of grams / 100 times the
-- food's nutrients per 100 g. A recipe without ingredients sums to zero.
SELECT r.id AS recipe_id,
       r.servings,
       coalesce(sum(ri.grams), 0)::float8 AS grams,
       coalesce(sum(ri.grams * f.energy_kcal / 100), 0)::float8 AS energy_kcal,
       coalesce(sum(ri.grams * f.protein_g / 100), 0)::float8 AS protein_g,
       coalesce(sum(ri.grams * f.fat_g / 100), 0)::float8 AS fat_g,
       coalesce(sum(ri.grams * f.carbs_g / 100), 0)::float8 AS carbs_g,
       coalesce(sum(ri.grams * f.fiber_g / 100), 0)::float8 AS fiber_g,
       coalesce(sum(ri.grams * f.sugar_g / 100), 0)::float8 AS sugar_g,
       coalesce(sum(ri.grams * f.sodium_mg / 100), 0)::float8 AS sodium_mg
FROM recipes AS r
LEFT JOIN recipe_ingredients AS ri ON ri.recipe_id = r.id
LEFT JOIN foods AS f ON f.id = ri.food_id
WHERE r.id = ANY(@ids::uuid[]) AND r.owner_id = @owner_id
GROUP BY r.id;

-- name: InsertRecipeIngredients :many
-- many: insert NewRecipeIngredient
-- Like every insert, it does not check that the recipe and food belong to
-- one user; the caller (an action) does, in the same transaction.
INSERT INTO recipe_ingredients (id, recipe_id, position, food_id, grams)
SELECT unnest(@id::uuid[]), unnest(@recipe_id::uuid[]), unnest(@position::int[]),
       unnest(@food_id::uuid[]), unnest(@grams::numeric[])
RETURNING *;

-- name: SelectRecipeIngredients :many
-- many: select
-- Ingredients are owned through their recipe.
SELECT ri.* FROM recipe_ingredients AS ri
JOIN recipes ON recipes.id = ri.recipe_id
WHERE ri.id = ANY(@ids::uuid[]) AND recipes.owner_id = @owner_id;

-- name: ListRecipeIngredients :many
-- many: list RecipeIngredientFilter
-- The ingredients of some of the owner's recipes, by recipe then position.
SELECT ri.* FROM recipe_ingredients AS ri
JOIN recipes ON recipes.id = ri.recipe_id
WHERE ri.recipe_id = ANY(@recipe_ids::uuid[]) AND recipes.owner_id = @owner_id
  AND (ri.recipe_id, ri.position) > (@after_recipe_id::uuid, @after_position::int)
ORDER BY ri.recipe_id, ri.position
LIMIT @row_limit;

-- name: UpdateRecipeIngredients :many
-- many: update RecipeIngredientPatch
-- Each set_x array says whether row i changes column x. Rows are locked in
-- id order (see UpdateFoods).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_position::bool[]) AS set_position,
           unnest(@position::int[]) AS position,
           unnest(@set_food_id::bool[]) AS set_food_id,
           unnest(@food_id::uuid[]) AS food_id,
           unnest(@set_grams::bool[]) AS set_grams,
           unnest(@grams::numeric[]) AS grams
), locked AS (
    SELECT ri.id FROM recipe_ingredients AS ri
    JOIN recipes ON recipes.id = ri.recipe_id
    WHERE ri.id = ANY(ARRAY(SELECT input.id FROM input))
      AND recipes.owner_id = @owner_id
    ORDER BY ri.id
    FOR UPDATE OF ri
)
UPDATE recipe_ingredients AS ri SET
    position   = CASE WHEN i.set_position THEN i.position ELSE ri.position END,
    food_id    = CASE WHEN i.set_food_id THEN i.food_id ELSE ri.food_id END,
    grams      = CASE WHEN i.set_grams THEN i.grams ELSE ri.grams END,
    updated_at = now()
FROM input AS i
WHERE ri.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND ri.id = i.id
RETURNING ri.*;

-- name: DeleteRecipeIngredients :many
-- many: delete
WITH locked AS (
    SELECT recipe_ingredients.id FROM recipe_ingredients
    JOIN recipes ON recipes.id = recipe_ingredients.recipe_id
    WHERE recipe_ingredients.id = ANY(@ids::uuid[]) AND recipes.owner_id = @owner_id
    ORDER BY recipe_ingredients.id
    FOR UPDATE OF recipe_ingredients
)
DELETE FROM recipe_ingredients AS ri
WHERE ri.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING ri.*;

-- name: RecomputeRecipeNutrition :many
-- Stores the nutrients per serving of the given recipes and of every recipe
-- that uses one of the given foods. Rows are locked in id order, as every
-- batch write locks them.
-- lint: cross-owner: a change to a shared food changes the recipes of every
-- user that use it; the job that runs it is given ids by an action.
WITH targets AS (
    SELECT recipes.id FROM recipes WHERE recipes.id = ANY(@recipe_ids::uuid[])
    UNION
    SELECT recipe_ingredients.recipe_id FROM recipe_ingredients WHERE recipe_ingredients.food_id = ANY(@food_ids::uuid[])
), locked AS (
    SELECT recipes.id FROM recipes WHERE recipes.id IN (SELECT targets.id FROM targets) ORDER BY recipes.id FOR UPDATE
), totals AS (
    SELECT r.id, r.servings,
           coalesce(sum(ri.grams * f.energy_kcal / 100), 0) AS energy_kcal,
           coalesce(sum(ri.grams * f.protein_g / 100), 0) AS protein_g,
           coalesce(sum(ri.grams * f.fat_g / 100), 0) AS fat_g,
           coalesce(sum(ri.grams * f.carbs_g / 100), 0) AS carbs_g
    FROM recipes AS r
    JOIN locked ON locked.id = r.id
    LEFT JOIN recipe_ingredients AS ri ON ri.recipe_id = r.id
    LEFT JOIN foods AS f ON f.id = ri.food_id
    GROUP BY r.id
)
UPDATE recipes SET
    energy_kcal_per_serving = round(totals.energy_kcal / totals.servings, 2),
    protein_g_per_serving = round(totals.protein_g / totals.servings, 2),
    fat_g_per_serving = round(totals.fat_g / totals.servings, 2),
    carbs_g_per_serving = round(totals.carbs_g / totals.servings, 2),
    nutrition_computed_at = now()
FROM totals
WHERE recipes.id = totals.id
RETURNING recipes.id;

-- name: SelectRecipesInUse :many
-- Of the given recipes, those the journal refers to (see
-- SelectFoodsInUse).
-- lint: cross-owner: any journal entry keeps a recipe, as the foreign key
-- does; only recipe ids come back.
SELECT DISTINCT m.recipe_id::uuid AS recipe_id FROM meal_entries AS m WHERE m.recipe_id = ANY(@ids::uuid[]);
