-- name: InsertWidgets :many
-- many: insert NewWidget
INSERT INTO widgets (id, owner_id, name, kind, weight_g, height_mm, made_on)
SELECT unnest(@id::uuid[]), unnest(sqlc.narg(owner_id)::uuid[]), unnest(@name::text[]), unnest(@kind::text[])::widget_kind,
       unnest(@weight_g::numeric[]), unnest(@height_mm::numeric[]), unnest(sqlc.narg(made_on)::date[])
RETURNING *;

-- name: CopyWidgets :copyfrom
-- many: copy NewWidget
INSERT INTO widgets (id, owner_id, name, kind, weight_g, height_mm, made_on) VALUES (@id, @owner_id, @name, @kind, @weight_g, @height_mm, @made_on);

-- name: SelectWidgets :many
-- many: select
SELECT * FROM widgets WHERE id = ANY(@ids::uuid[]) AND owner_id IS NOT DISTINCT FROM sqlc.narg(owner_id)::uuid;

-- name: ListWidgets :many
-- many: list WidgetFilter
SELECT * FROM widgets
WHERE (sqlc.narg(name_contains)::text IS NULL OR name ILIKE '%' || sqlc.narg(name_contains)::text || '%')
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: UpdateWidgets :many
-- many: update WidgetPatch
WITH input AS (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_name::bool[]) AS set_name, unnest(@name::text[]) AS name,
           unnest(@set_size::bool[]) AS set_size, unnest(@weight_g::numeric[]) AS weight_g, unnest(@height_mm::numeric[]) AS height_mm
)
UPDATE widgets AS w SET
    name = CASE WHEN i.set_name THEN i.name ELSE w.name END,
    weight_g = CASE WHEN i.set_size THEN i.weight_g ELSE w.weight_g END,
    height_mm = CASE WHEN i.set_size THEN i.height_mm ELSE w.height_mm END,
    updated_at = now()
FROM input AS i
WHERE w.id = i.id
RETURNING w.*;

-- name: DeleteWidgets :many
-- many: delete
DELETE FROM widgets WHERE id = ANY(@ids::uuid[]) RETURNING *;
