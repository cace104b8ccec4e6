-- name: InsertTags :many
-- many: insert NewTag
-- A name the owner has already is a unique violation; UpsertTags takes it
-- instead.
INSERT INTO tags (id, owner_id, name)
SELECT unnest(@id::uuid[]), unnest(@owner_id::uuid[]), unnest(@name::text[])
RETURNING *;

-- name: UpsertTagNames :many
-- many: batch TagName
-- Returns one row per input name, in input order, whether the tag was new or
-- already there (names compare case-insensitively, as citext does). The
-- no-op DO UPDATE makes existing rows come back from RETURNING; DISTINCT ON
-- keeps a name repeated in one batch from hitting the same row twice (a new
-- tag takes the id sent with the name's first occurrence).
WITH input AS (
    SELECT unnest(@name::text[])::citext AS name,
           unnest(@id::uuid[]) AS id,
           generate_subscripts(@name::text[], 1) AS ord
), upserted AS (
    INSERT INTO tags (id, owner_id, name)
    SELECT DISTINCT ON (input.name) input.id, @owner_id::uuid, input.name
    FROM input
    ORDER BY input.name, input.ord
    ON CONFLICT (owner_id, name) DO UPDATE SET updated_at = tags.updated_at
    RETURNING *
)
SELECT upserted.id, upserted.owner_id, upserted.name, upserted.created_at, upserted.updated_at
FROM input JOIN upserted ON upserted.name = input.name
ORDER BY input.ord;

-- name: SelectTags :many
-- many: select
SELECT * FROM tags WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListTags :many
-- many: list TagFilter
-- Each tag with the number of foods it is on.
SELECT sqlc.embed(tags), count(food_tags.food_id)::bigint AS food_count
FROM tags
LEFT JOIN food_tags ON food_tags.tag_id = tags.id
WHERE tags.owner_id = @owner_id
  AND (sqlc.narg(name_contains)::text IS NULL OR strpos(lower(tags.name), lower(sqlc.narg(name_contains)::text)) > 0)
  AND (tags.created_at, tags.id) > (@after_created_at::timestamptz, @after_id::uuid)
GROUP BY tags.id
ORDER BY tags.created_at, tags.id
LIMIT @row_limit;

-- name: UpdateTags :many
-- many: update TagPatch
-- Renames tags; rows are locked in id order (see UpdateFoods).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id, unnest(@name::text[]) AS name
), locked AS (
    SELECT tags.id FROM tags
    WHERE tags.id = ANY(ARRAY(SELECT input.id FROM input))
      AND tags.owner_id = @owner_id
    ORDER BY tags.id
    FOR UPDATE
)
UPDATE tags AS t SET name = i.name::citext, updated_at = now()
FROM input AS i
WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND t.id = i.id
RETURNING t.*;

-- name: DeleteTags :many
-- many: delete
-- The tags' foods are untagged.
WITH locked AS (
    SELECT tags.id FROM tags
    WHERE tags.id = ANY(@ids::uuid[]) AND tags.owner_id = @owner_id
    ORDER BY tags.id
    FOR UPDATE
)
DELETE FROM tags AS t
WHERE t.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING t.*;

-- name: InsertFoodTags :many
-- many: insert FoodTagPair
-- Tags foods: an upsert of (food, tag) pairs. Pairs already there come back
-- too (the no-op DO UPDATE), so every input pair has a row. Like every
-- insert, it does not check that the food and tag belong to the same user;
-- the caller (an action) does, in the same transaction.
INSERT INTO food_tags (food_id, tag_id)
SELECT DISTINCT p.food_id, p.tag_id
FROM (SELECT unnest(@food_id::uuid[]) AS food_id, unnest(@tag_id::uuid[]) AS tag_id) AS p
ON CONFLICT (food_id, tag_id) DO UPDATE SET created_at = food_tags.created_at
RETURNING *;

-- name: SelectFoodTags :many
-- The pairs of the given foods among the owner's tags.
SELECT food_tags.* FROM food_tags
JOIN tags ON tags.id = food_tags.tag_id
WHERE food_tags.food_id = ANY(@food_ids::uuid[]) AND tags.owner_id = @owner_id;

-- name: ListFoodTags :many
-- many: list FoodTagFilter
-- Pairs of the owner's tags, optionally of one tag, in primary key order.
SELECT food_tags.* FROM food_tags
JOIN tags ON tags.id = food_tags.tag_id
WHERE tags.owner_id = @owner_id
  AND (sqlc.narg(tag_id)::uuid IS NULL OR food_tags.tag_id = sqlc.narg(tag_id)::uuid)
  AND (food_tags.food_id, food_tags.tag_id) > (@after_food_id::uuid, @after_tag_id::uuid)
ORDER BY food_tags.food_id, food_tags.tag_id
LIMIT @row_limit;

-- name: DeleteFoodTags :many
-- many: delete FoodTagPair
-- Untags foods: removes the given pairs, among the owner's tags only. The
-- pairs are locked in primary key order (see UpdateFoods).
WITH locked AS (
    SELECT ft.food_id, ft.tag_id FROM food_tags AS ft
    JOIN (SELECT unnest(@food_id::uuid[]) AS food_id, unnest(@tag_id::uuid[]) AS tag_id) AS p
      ON p.food_id = ft.food_id AND p.tag_id = ft.tag_id
    JOIN tags ON tags.id = ft.tag_id
    WHERE tags.owner_id = @owner_id
    ORDER BY ft.food_id, ft.tag_id
    FOR UPDATE OF ft
)
DELETE FROM food_tags AS ft
USING locked
WHERE ft.food_id = locked.food_id AND ft.tag_id = locked.tag_id
RETURNING ft.*;
