-- name: InsertUsers :many
-- many: insert NewUser
INSERT INTO users (id, email, display_name)
SELECT unnest(@id::uuid[]), unnest(@email::text[]), unnest(@display_name::text[])
RETURNING *;

-- name: SelectUsers :many
-- many: select
SELECT * FROM users WHERE id = ANY(@ids::uuid[]);

-- name: SelectUsersByEmail :many
-- The text[] parameter is cast to citext[] so the comparison, and the
-- unique index, are case-insensitive.
SELECT * FROM users WHERE email = ANY((@emails::text[])::citext[]);

-- name: ListUsers :many
-- many: list UserFilter
-- The first page passes the zero cursor (0001-01-01, nil uuid), which sorts
-- before every row, so the keyset condition needs no NULL branch.
SELECT * FROM users
WHERE (sqlc.narg(email_contains)::text IS NULL OR strpos(lower(email), lower(sqlc.narg(email_contains)::text)) > 0)
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: UpdateUsers :many
-- many: update UserPatch
-- Each set_x array says whether row i changes column x. Rows are locked in
-- id order so that concurrent batches over overlapping ids cannot deadlock.
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_email::bool[]) AS set_email,
           unnest(@email::text[]) AS email,
           unnest(@set_display_name::bool[]) AS set_display_name,
           unnest(@display_name::text[]) AS display_name
), locked AS (
    SELECT users.id FROM users
    WHERE users.id = ANY(ARRAY(SELECT input.id FROM input))
    ORDER BY users.id
    FOR UPDATE
)
UPDATE users AS u SET
    email        = CASE WHEN i.set_email THEN i.email::citext ELSE u.email END,
    display_name = CASE WHEN i.set_display_name THEN i.display_name ELSE u.display_name END,
    updated_at   = now()
FROM input AS i
WHERE u.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND u.id = i.id
RETURNING u.*;

-- name: DeletePurgedUsers :many
-- many: delete
-- The last step of DeleteUsers, after the purge below: the users, and what
-- the purge left (what was written meanwhile), by cascade.
WITH locked AS (
    SELECT users.id FROM users WHERE users.id = ANY(@ids::uuid[]) ORDER BY users.id FOR UPDATE
)
DELETE FROM users AS u
WHERE u.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING u.*;

-- The purge of an account, a bounded step at a time: DeleteUsers runs each
-- of these until it deletes fewer than row_limit rows, in this order, then
-- deletes the users, so that no statement's work grows with the size of
-- an account. Links go first (the tags on foods, the ingredients), so that
-- no delete cascades to more than its own rows.

-- name: PurgeOwnedFoodTags :many
DELETE FROM food_tags WHERE (food_id, tag_id) IN (
    SELECT ft.food_id, ft.tag_id FROM food_tags AS ft JOIN tags ON tags.id = ft.tag_id
    WHERE tags.owner_id = ANY(@owner_ids::uuid[])
    LIMIT @row_limit
)
RETURNING food_id;

-- name: PurgeOwnedRecipeIngredients :many
DELETE FROM recipe_ingredients WHERE id IN (
    SELECT ri.id FROM recipe_ingredients AS ri JOIN recipes ON recipes.id = ri.recipe_id
    WHERE recipes.owner_id = ANY(@owner_ids::uuid[])
    LIMIT @row_limit
)
RETURNING id;

-- name: PurgeOwnedMealEntries :many
DELETE FROM meal_entries WHERE id IN (
    SELECT id FROM meal_entries WHERE owner_id = ANY(@owner_ids::uuid[]) LIMIT @row_limit
)
RETURNING id;

-- name: PurgeOwnedGenerations :many
DELETE FROM generations WHERE id IN (
    SELECT id FROM generations WHERE owner_id = ANY(@owner_ids::uuid[]) LIMIT @row_limit
)
RETURNING id;

-- name: PurgeOwnedPantryItems :many
DELETE FROM pantry_items WHERE id IN (
    SELECT id FROM pantry_items WHERE owner_id = ANY(@owner_ids::uuid[]) LIMIT @row_limit
)
RETURNING id;

-- name: PurgeOwnedRecipes :many
DELETE FROM recipes WHERE id IN (
    SELECT id FROM recipes WHERE owner_id = ANY(@owner_ids::uuid[]) LIMIT @row_limit
)
RETURNING id;

-- name: PurgeOwnedTags :many
DELETE FROM tags WHERE id IN (
    SELECT id FROM tags WHERE owner_id = ANY(@owner_ids::uuid[]) LIMIT @row_limit
)
RETURNING id;

-- name: PurgeOwnedFoods :many
DELETE FROM foods WHERE id IN (
    SELECT id FROM foods WHERE owner_id = ANY(@owner_ids::uuid[]) LIMIT @row_limit
)
RETURNING id;
