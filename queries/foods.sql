-- name: InsertFoods :many
-- many: insert NewFood
-- Amounts travel as numeric[], in binary: package many writes a float64's
-- shortest decimal digits, as a bulk load's COPY does, and PostgreSQL
-- converts nothing per value (a float8[] cost it a float8 -> numeric
-- conversion each); the numeric columns round them. A NULL owner is the
-- shared catalog.
INSERT INTO foods (
    id, owner_id, name, brand, barcode, kind, category,
    energy_kcal, protein_g, fat_g, carbs_g, fiber_g, sugar_g, sodium_mg
)
SELECT unnest(@id::uuid[]),
       unnest(sqlc.narg(owner_id)::uuid[]),
       unnest(@name::text[]),
       unnest(sqlc.narg(brand)::text[]),
       unnest(sqlc.narg(barcode)::text[]),
       unnest(@kind::text[])::food_kind,
       unnest(@category::text[])::food_category,
       unnest(@energy_kcal::numeric[]),
       unnest(@protein_g::numeric[]),
       unnest(@fat_g::numeric[]),
       unnest(@carbs_g::numeric[]),
       unnest(@fiber_g::numeric[]),
       unnest(@sugar_g::numeric[]),
       unnest(@sodium_mg::numeric[])
RETURNING *;

-- name: CopyFoods :copyfrom
-- many: copy NewFood
-- The bulk load, for loads that need no rows returned: within a few
-- percent of pgx CopyFrom (docs/BENCHMARKS.md). Constraint violations
-- abort the whole load.
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

-- name: InsertCatalogFoods :many
-- many: insert NewFood
-- InsertFoods into the shared catalog (the owner is not sent on), but a
-- food the catalog has already (the same name and brand, regardless of
-- case) is skipped: an import can run again. Run it after
-- LockCatalogImports, in one transaction.
INSERT INTO foods (
    id, owner_id, name, brand, barcode, kind, category,
    energy_kcal, protein_g, fat_g, carbs_g, fiber_g, sugar_g, sodium_mg
)
SELECT i.id, NULL, i.name, i.brand, i.barcode, i.kind, i.category,
       i.energy_kcal, i.protein_g, i.fat_g, i.carbs_g, i.fiber_g, i.sugar_g, i.sodium_mg
FROM (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(sqlc.narg(owner_id)::uuid[]) AS owner_id,
           unnest(@name::text[]) AS name,
           unnest(sqlc.narg(brand)::text[]) AS brand,
           unnest(sqlc.narg(barcode)::text[]) AS barcode,
           unnest(@kind::text[])::food_kind AS kind,
           unnest(@category::text[])::food_category AS category,
           unnest(@energy_kcal::numeric[]) AS energy_kcal,
           unnest(@protein_g::numeric[]) AS protein_g,
           unnest(@fat_g::numeric[]) AS fat_g,
           unnest(@carbs_g::numeric[]) AS carbs_g,
           unnest(@fiber_g::numeric[]) AS fiber_g,
           unnest(@sugar_g::numeric[]) AS sugar_g,
           unnest(@sodium_mg::numeric[]) AS sodium_mg
) AS i
WHERE NOT EXISTS (
    SELECT 1 FROM foods AS f
    WHERE f.owner_id IS NULL AND lower(f.name) = lower(i.name) AND lower(coalesce(f.brand, '')) = lower(coalesce(i.brand, ''))
)
RETURNING *;

-- name: SelectFoods :many
-- many: select
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
-- many: list FoodFilter
-- Foods visible to a viewer (see SelectFoods), oldest first. Optional
-- filters are NULL when unused. The name filter escapes LIKE's
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
-- many: update FoodPatch
-- Each set_x array says whether row i changes column x (set_nutrients all
-- seven); a NULL brand or barcode clears it. An enum not set is '', which
-- nullif keeps from its cast. Only rows of the given owner
-- change (a NULL owner is the shared catalog). Rows are locked in id order
-- so that concurrent batches over overlapping ids cannot deadlock, and are
-- found through the primary key both times (db/README.md, "Lock order").
WITH input AS MATERIALIZED (
    SELECT unnest(@id::uuid[]) AS id,
           unnest(@set_name::bool[]) AS set_name,
           unnest(@name::text[]) AS name,
           unnest(@set_brand::bool[]) AS set_brand,
           unnest(sqlc.narg(brand)::text[]) AS brand,
           unnest(@set_barcode::bool[]) AS set_barcode,
           unnest(sqlc.narg(barcode)::text[]) AS barcode,
           unnest(@set_kind::bool[]) AS set_kind,
           nullif(unnest(@kind::text[]), '')::food_kind AS kind,
           unnest(@set_category::bool[]) AS set_category,
           nullif(unnest(@category::text[]), '')::food_category AS category,
           unnest(@set_nutrients::bool[]) AS set_nutrients,
           unnest(@energy_kcal::numeric[]) AS energy_kcal,
           unnest(@protein_g::numeric[]) AS protein_g,
           unnest(@fat_g::numeric[]) AS fat_g,
           unnest(@carbs_g::numeric[]) AS carbs_g,
           unnest(@fiber_g::numeric[]) AS fiber_g,
           unnest(@sugar_g::numeric[]) AS sugar_g,
           unnest(@sodium_mg::numeric[]) AS sodium_mg
), locked AS (
    SELECT foods.id FROM foods
    WHERE foods.id = ANY(ARRAY(SELECT input.id FROM input))
      AND foods.owner_id IS NOT DISTINCT FROM sqlc.narg(owner_id)::uuid
    ORDER BY foods.id
    FOR UPDATE
)
UPDATE foods AS f SET
    name        = CASE WHEN i.set_name THEN i.name ELSE f.name END,
    brand       = CASE WHEN i.set_brand THEN i.brand ELSE f.brand END,
    barcode     = CASE WHEN i.set_barcode THEN i.barcode ELSE f.barcode END,
    kind        = CASE WHEN i.set_kind THEN i.kind ELSE f.kind END,
    category    = CASE WHEN i.set_category THEN i.category ELSE f.category END,
    energy_kcal = CASE WHEN i.set_nutrients THEN i.energy_kcal ELSE f.energy_kcal END,
    protein_g   = CASE WHEN i.set_nutrients THEN i.protein_g ELSE f.protein_g END,
    fat_g       = CASE WHEN i.set_nutrients THEN i.fat_g ELSE f.fat_g END,
    carbs_g     = CASE WHEN i.set_nutrients THEN i.carbs_g ELSE f.carbs_g END,
    fiber_g     = CASE WHEN i.set_nutrients THEN i.fiber_g ELSE f.fiber_g END,
    sugar_g     = CASE WHEN i.set_nutrients THEN i.sugar_g ELSE f.sugar_g END,
    sodium_mg   = CASE WHEN i.set_nutrients THEN i.sodium_mg ELSE f.sodium_mg END,
    updated_at  = now()
FROM input AS i
WHERE f.id = ANY(ARRAY(SELECT locked.id FROM locked)) AND f.id = i.id
RETURNING f.*;

-- name: DeleteFoods :many
-- many: delete
-- Only rows of the given owner go (a NULL owner is the shared catalog). A
-- food that a recipe or the journal uses is not deleted:
-- many.ErrForeignKeyViolation, at commit.
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

-- name: SelectFoodsInUse :many
-- Of the given foods, those that a recipe or the journal refers to: what
-- keeps a delete of them from committing (the foreign key's error names no
-- row in a form that does not depend on the server's language).
-- lint: cross-owner: any user's recipe or journal keeps a food (a shared
-- one is everyone's), as the foreign key does; only food ids come back.
SELECT ri.food_id FROM recipe_ingredients AS ri WHERE ri.food_id = ANY(@ids::uuid[])
UNION
SELECT m.food_id::uuid FROM meal_entries AS m WHERE m.food_id = ANY(@ids::uuid[]);
