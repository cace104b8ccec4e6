-- name: InsertPantryItems :many
-- many: insert NewPantryItem
-- A NULL expiry date: the item does not expire. Like every insert, it does
-- not check that the food is the owner's or shared; the caller (an action)
-- does, in the same transaction.
INSERT INTO pantry_items (id, owner_id, food_id, quantity, unit, expires_on)
SELECT unnest(@id::uuid[]),
       unnest(@owner_id::uuid[]),
       unnest(@food_id::uuid[]),
       unnest(@quantity::numeric[]),
       unnest(@unit::text[])::pantry_unit,
       unnest(sqlc.narg(expires_on)::date[])
RETURNING *;

-- name: SelectPantryItems :many
-- many: select
SELECT * FROM pantry_items WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListPantryItems :many
-- many: list PantryItemFilter
SELECT * FROM pantry_items
WHERE owner_id = @owner_id
  AND (sqlc.narg(food_id)::uuid IS NULL OR food_id = sqlc.narg(food_id)::uuid)
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: ListPantryItemsByExpiry :many
-- Items that expire on or before last_day (already expired ones included),
-- soonest first. Items that never expire sort as 9999-12-31: last, and
-- listed only when last_day is 9999-12-31. The keyset and the index use the
-- same expression; the first page passes 0001-01-01 and the nil uuid.
SELECT * FROM pantry_items
WHERE owner_id = @owner_id
  AND coalesce(expires_on, '9999-12-31') <= @last_day::date
  AND (coalesce(expires_on, '9999-12-31'), id) > (@after_expires_on::date, @after_id::uuid)
ORDER BY coalesce(expires_on, '9999-12-31'), id
LIMIT @row_limit;

-- name: LockPantryItems :many
-- many: select
-- The owner's items with the given ids, locked for update in id order (the
-- order every batch write locks in), for read-modify-write in a
-- transaction.
SELECT * FROM pantry_items
WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id
ORDER BY id
FOR UPDATE;

-- name: UpdatePantryItems :many
-- many: update PantryItemPatch
-- Each set_x array says whether row i changes column x; a NULL expiry date
-- clears it. Rows are locked in id order (see UpdateFoods).
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_quantity::bool[]) AS set_quantity,
           unnest(@quantity::numeric[]) AS quantity,
           unnest(@set_unit::bool[]) AS set_unit,
           nullif(unnest(@unit::text[]), '')::pantry_unit AS unit,
           unnest(@set_expires_on::bool[]) AS set_expires_on,
           unnest(sqlc.narg(expires_on)::date[]) AS expires_on
), locked AS (
    SELECT pantry_items.id FROM pantry_items
    WHERE pantry_items.id = ANY(ARRAY(SELECT input.id FROM input))
      AND pantry_items.owner_id = @owner_id
    ORDER BY pantry_items.id
    FOR UPDATE
)
UPDATE pantry_items AS p SET
    quantity   = CASE WHEN i.set_quantity THEN i.quantity ELSE p.quantity END,
    unit       = CASE WHEN i.set_unit THEN i.unit ELSE p.unit END,
    expires_on = CASE WHEN i.set_expires_on THEN i.expires_on ELSE p.expires_on END,
    updated_at = now()
FROM input AS i
WHERE p.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND p.id = i.id
RETURNING p.*;

-- name: DeletePantryItems :many
-- many: delete
WITH locked AS (
    SELECT pantry_items.id FROM pantry_items
    WHERE pantry_items.id = ANY(@ids::uuid[]) AND pantry_items.owner_id = @owner_id
    ORDER BY pantry_items.id
    FOR UPDATE
)
DELETE FROM pantry_items AS p
WHERE p.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING p.*;

-- name: ListOwnersWithExpiringItems :many
-- The users with an item that expires on or before last_day, by id, in
-- keyset pages.
-- lint: cross-owner: the digest job's fan-out over every user; only owner
-- ids come back.
SELECT DISTINCT pantry_items.owner_id FROM pantry_items
WHERE pantry_items.expires_on <= @last_day::date AND pantry_items.owner_id > @after_owner_id::uuid
ORDER BY pantry_items.owner_id
LIMIT @row_limit;

-- name: InsertExpiryDigests :many
-- many: batch NewExpiryDigest
-- Records digests as sent; a digest a user already has for that day is
-- left out of the result (a retried job's), and sends nothing again.
INSERT INTO expiry_digests (owner_id, day, items)
SELECT unnest(@owner_id::uuid[]), unnest(@day::date[]), unnest(@items::int[])
ON CONFLICT (owner_id, day) DO NOTHING
RETURNING *;
