-- name: InsertPantryItems :many
-- A zero expiry date (0001-01-01) is NULL: the item does not expire.
INSERT INTO pantry_items (id, owner_id, food_id, quantity, unit, expires_on)
SELECT unnest(@ids::uuid[]),
       unnest(@owner_ids::uuid[]),
       unnest(@food_ids::uuid[]),
       unnest(@quantities::numeric[]),
       unnest(@units::text[])::pantry_unit,
       nullif(unnest(@expires_ons::date[]), '0001-01-01'::date)
RETURNING *;

-- name: SelectPantryItems :many
SELECT * FROM pantry_items WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListPantryItems :many
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
-- The owner's items with the given ids, locked for update in id order (the
-- order every batch write locks in), for read-modify-write in a
-- transaction.
SELECT * FROM pantry_items
WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id
ORDER BY id
FOR UPDATE;

-- name: UpdatePantryItems :many
-- Each set_x array says whether row i changes column x; a zero expiry date
-- clears it. Rows are locked in id order (see UpdateFoods).
WITH input AS (
    SELECT unnest(@ids::uuid[]) AS id,
           unnest(@set_quantities::bool[]) AS set_quantity,
           unnest(@quantities::numeric[]) AS quantity,
           unnest(@set_units::bool[]) AS set_unit,
           unnest(@units::text[]) AS unit,
           unnest(@set_expires_ons::bool[]) AS set_expires_on,
           unnest(@expires_ons::date[]) AS expires_on
), locked AS (
    SELECT input.* FROM input JOIN pantry_items ON pantry_items.id = input.id
    WHERE pantry_items.owner_id = @owner_id
    ORDER BY pantry_items.id
    FOR UPDATE OF pantry_items
)
UPDATE pantry_items AS p SET
    quantity   = CASE WHEN i.set_quantity THEN i.quantity ELSE p.quantity END,
    unit       = CASE WHEN i.set_unit THEN i.unit::pantry_unit ELSE p.unit END,
    expires_on = CASE WHEN i.set_expires_on THEN nullif(i.expires_on, '0001-01-01'::date) ELSE p.expires_on END,
    updated_at = now()
FROM locked AS i
WHERE p.id = i.id
RETURNING p.*;

-- name: DeletePantryItems :many
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
SELECT DISTINCT pantry_items.owner_id FROM pantry_items
WHERE pantry_items.expires_on <= @last_day::date AND pantry_items.owner_id > @after_owner_id::uuid
ORDER BY pantry_items.owner_id
LIMIT @row_limit;
