-- name: InsertFoods :many
-- Amounts travel as numeric[], in binary: db/numeric.go writes a float64's
-- shortest decimal digits, as a bulk load's COPY does, and PostgreSQL
-- converts nothing per value (a float8[] cost it a float8 -> numeric
-- conversion each); the numeric columns round them. A nil owner id is the
-- shared catalog; an empty brand or barcode is NULL.
INSERT INTO foods (
    id, owner_id, name, brand, barcode, kind, category,
    energy_kcal, protein_g, fat_g, carbs_g, fiber_g, sugar_g, sodium_mg
)
SELECT unnest(@ids::uuid[]),
       nullif(unnest(@owner_ids::uuid[]), '00000000-0000-0000-0000-000000000000'),
       unnest(@names::text[]),
       nullif(unnest(@brands::text[]), ''),
       nullif(unnest(@barcodes::text[]), ''),
       unnest(@kinds::text[])::food_kind,
       unnest(@categories::text[])::food_category,
       unnest(@energy_kcals::numeric[]),
       unnest(@protein_gs::numeric[]),
       unnest(@fat_gs::numeric[]),
       unnest(@carbs_gs::numeric[]),
       unnest(@fiber_gs::numeric[]),
       unnest(@sugar_gs::numeric[]),
       unnest(@sodium_mgs::numeric[])
RETURNING *;

-- name: CopyFoods :copyfrom
-- The bulk load: COPY, nothing returned (see db.CopyFoods).
INSERT INTO foods (
    id, owner_id, name, brand, barcode, kind, category,
    energy_kcal, protein_g, fat_g, carbs_g, fiber_g, sugar_g, sodium_mg
) VALUES (
    @id, @owner_id, @name, @brand, @barcode, @kind, @category,
    @energy_kcal, @protein_g, @fat_g, @carbs_g, @fiber_g, @sugar_g, @sodium_mg
);

-- name: LockCatalogImports :exec
-- Held until the transaction ends: catalog imports run one at a time, so
-- each sees what the one before it added.
SELECT pg_advisory_xact_lock(hashtext('larder.catalog-import'));

-- name: ImportCatalogFoods :many
-- InsertFoods (the same parameters), but a food the shared catalog has
-- already (the same name and brand, regardless of case) is skipped: an
-- import can run again. Run it after LockCatalogImports, in one
-- transaction.
INSERT INTO foods (
    id, owner_id, name, brand, barcode, kind, category,
    energy_kcal, protein_g, fat_g, carbs_g, fiber_g, sugar_g, sodium_mg
)
SELECT i.id, NULL, i.name, nullif(i.brand, ''), nullif(i.barcode, ''), i.kind::food_kind, i.category::food_category,
       i.energy_kcal, i.protein_g, i.fat_g, i.carbs_g, i.fiber_g, i.sugar_g, i.sodium_mg
FROM (
    SELECT unnest(@ids::uuid[]) AS id,
           unnest(@owner_ids::uuid[]) AS owner_id,
           unnest(@names::text[]) AS name,
           unnest(@brands::text[]) AS brand,
           unnest(@barcodes::text[]) AS barcode,
           unnest(@kinds::text[]) AS kind,
           unnest(@categories::text[]) AS category,
           unnest(@energy_kcals::numeric[]) AS energy_kcal,
           unnest(@protein_gs::numeric[]) AS protein_g,
           unnest(@fat_gs::numeric[]) AS fat_g,
           unnest(@carbs_gs::numeric[]) AS carbs_g,
           unnest(@fiber_gs::numeric[]) AS fiber_g,
           unnest(@sugar_gs::numeric[]) AS sugar_g,
           unnest(@sodium_mgs::numeric[]) AS sodium_mg
) AS i
WHERE NOT EXISTS (
    SELECT 1 FROM foods AS f
    WHERE f.owner_id IS NULL AND lower(f.name) = lower(i.name) AND lower(coalesce(f.brand, '')) = lower(i.brand)
)
RETURNING *;

-- name: SelectFoods :many
-- Foods visible to a viewer: the viewer's own and the shared catalog. A
-- NULL viewer sees only the shared catalog.
SELECT * FROM foods
WHERE id = ANY(@ids::uuid[])
  AND (owner_id IS NULL OR owner_id = sqlc.narg(viewer_id)::uuid);

-- name: SelectFoodsByBarcode :many
-- For each barcode, the one food a viewer sees under it: the viewer's own
-- when they have one, else the shared catalog's (a barcode is unique within
-- each, so there are at most two). Another user's foods never match.
SELECT DISTINCT ON (barcode) * FROM foods
WHERE barcode = ANY(@barcodes::text[])
  AND (owner_id IS NULL OR owner_id = sqlc.narg(viewer_id)::uuid)
ORDER BY barcode, owner_id NULLS LAST;

-- name: ListFoods :many
-- Optional filters are NULL when unused. The name filter escapes LIKE's
-- wildcards so user input matches literally, and can use the trigram index.
SELECT * FROM foods
WHERE (owner_id IS NULL OR owner_id = sqlc.narg(viewer_id)::uuid)
  AND (sqlc.narg(name_contains)::text IS NULL
       OR name ILIKE '%' || replace(replace(replace(sqlc.narg(name_contains)::text, '\', '\\'), '%', '\%'), '_', '\_') || '%')
  AND (sqlc.narg(kind)::text IS NULL OR kind = sqlc.narg(kind)::text::food_kind)
  AND (sqlc.narg(category)::text IS NULL OR category = sqlc.narg(category)::text::food_category)
  AND (sqlc.narg(tag_id)::uuid IS NULL
       OR EXISTS (SELECT 1 FROM food_tags WHERE food_tags.food_id = foods.id AND food_tags.tag_id = sqlc.narg(tag_id)::uuid))
  AND (created_at, id) > (@after_created_at::timestamptz, @after_id::uuid)
ORDER BY created_at, id
LIMIT @row_limit;

-- name: UpdateFoods :many
-- Each set_x array says whether row i changes column x. Only rows of the
-- given owner change (a NULL owner is the shared catalog). Rows are locked in
-- id order so that concurrent batches over overlapping ids cannot deadlock;
-- the input joins the table there, once (db/README.md, "Lock order").
WITH input AS (
    SELECT unnest(@ids::uuid[]) AS id,
           unnest(@set_names::bool[]) AS set_name,
           unnest(@names::text[]) AS name,
           unnest(@set_brands::bool[]) AS set_brand,
           unnest(@brands::text[]) AS brand,
           unnest(@set_barcodes::bool[]) AS set_barcode,
           unnest(@barcodes::text[]) AS barcode,
           unnest(@set_kinds::bool[]) AS set_kind,
           unnest(@kinds::text[]) AS kind,
           unnest(@set_categories::bool[]) AS set_category,
           unnest(@categories::text[]) AS category,
           unnest(@set_nutrients::bool[]) AS set_nutrients,
           unnest(@energy_kcals::numeric[]) AS energy_kcal,
           unnest(@protein_gs::numeric[]) AS protein_g,
           unnest(@fat_gs::numeric[]) AS fat_g,
           unnest(@carbs_gs::numeric[]) AS carbs_g,
           unnest(@fiber_gs::numeric[]) AS fiber_g,
           unnest(@sugar_gs::numeric[]) AS sugar_g,
           unnest(@sodium_mgs::numeric[]) AS sodium_mg
), locked AS (
    SELECT input.* FROM input JOIN foods ON foods.id = input.id
    WHERE foods.owner_id IS NOT DISTINCT FROM sqlc.narg(owner_id)::uuid
    ORDER BY foods.id
    FOR UPDATE OF foods
)
UPDATE foods AS f SET
    name        = CASE WHEN i.set_name THEN i.name ELSE f.name END,
    brand       = CASE WHEN i.set_brand THEN nullif(i.brand, '') ELSE f.brand END,
    barcode     = CASE WHEN i.set_barcode THEN nullif(i.barcode, '') ELSE f.barcode END,
    kind        = CASE WHEN i.set_kind THEN i.kind::food_kind ELSE f.kind END,
    category    = CASE WHEN i.set_category THEN i.category::food_category ELSE f.category END,
    energy_kcal = CASE WHEN i.set_nutrients THEN i.energy_kcal ELSE f.energy_kcal END,
    protein_g   = CASE WHEN i.set_nutrients THEN i.protein_g ELSE f.protein_g END,
    fat_g       = CASE WHEN i.set_nutrients THEN i.fat_g ELSE f.fat_g END,
    carbs_g     = CASE WHEN i.set_nutrients THEN i.carbs_g ELSE f.carbs_g END,
    fiber_g     = CASE WHEN i.set_nutrients THEN i.fiber_g ELSE f.fiber_g END,
    sugar_g     = CASE WHEN i.set_nutrients THEN i.sugar_g ELSE f.sugar_g END,
    sodium_mg   = CASE WHEN i.set_nutrients THEN i.sodium_mg ELSE f.sodium_mg END,
    updated_at  = now()
FROM locked AS i
WHERE f.id = i.id
RETURNING f.*;

-- name: DeleteFoods :many
-- Only rows of the given owner go (a NULL owner is the shared catalog).
WITH locked AS (
    SELECT foods.id FROM foods
    WHERE foods.id = ANY(@ids::uuid[])
      AND foods.owner_id IS NOT DISTINCT FROM sqlc.narg(owner_id)::uuid
    ORDER BY foods.id
    FOR UPDATE
)
DELETE FROM foods AS f
WHERE f.id = ANY(ARRAY(SELECT locked.id FROM locked))
RETURNING f.*;
