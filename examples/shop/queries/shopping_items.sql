-- name: InsertShoppingItems :many
-- many: insert NewShoppingItem
INSERT INTO shopping_items (id, owner_id, name, quantity)
SELECT unnest(@id::uuid[]), unnest(@owner_id::uuid[]), unnest(@name::text[]), unnest(@quantity::int[])
RETURNING *;

-- name: SelectShoppingItems :many
-- many: select
SELECT * FROM shopping_items WHERE id = ANY(@ids::uuid[]) AND owner_id = @owner_id;

-- name: ListShoppingItems :many
-- many: list ShoppingItemFilter
SELECT * FROM shopping_items
WHERE owner_id = @owner_id
  AND (sqlc.narg(bought)::boolean IS NULL OR bought = sqlc.narg(bought)::boolean)
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: UpdateShoppingItems :many
-- many: update ShoppingItemPatch
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_quantity::bool[]) AS set_quantity, unnest(@quantity::int[]) AS quantity,
           unnest(@set_bought::bool[]) AS set_bought, unnest(@bought::bool[]) AS bought
), locked AS (
    SELECT shopping_items.id FROM shopping_items
    WHERE shopping_items.id = ANY(ARRAY(SELECT input.id FROM input))
      AND shopping_items.owner_id = @owner_id
    ORDER BY shopping_items.id
    FOR UPDATE
)
UPDATE shopping_items AS s SET
    quantity = CASE WHEN i.set_quantity THEN i.quantity ELSE s.quantity END,
    bought = CASE WHEN i.set_bought THEN i.bought ELSE s.bought END,
    updated_at = now()
FROM input AS i
WHERE s.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND s.id = i.id
RETURNING s.*;

-- name: DeleteShoppingItems :many
-- many: delete
-- Rows are locked in id order, as the update locks them, so that two
-- batches over the same rows cannot deadlock.
WITH locked AS (
    SELECT shopping_items.id FROM shopping_items
    WHERE shopping_items.id = ANY(@ids::uuid[]) AND shopping_items.owner_id = @owner_id
    ORDER BY shopping_items.id
    FOR UPDATE
)
DELETE FROM shopping_items AS s
WHERE s.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING s.*;
