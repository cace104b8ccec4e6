-- migrate:up

-- pg_trgm serves the catalog's "name contains" search with a GIN index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE food_kind AS ENUM ('whole', 'processed', 'ultra_processed');

CREATE TYPE food_category AS ENUM (
    'fruit', 'vegetable', 'grain', 'protein', 'dairy', 'fat', 'sweet', 'beverage', 'other'
);

-- Nutrients are per 100 g. A NULL owner_id is the shared catalog; a user's
-- own foods go when the user goes.
CREATE TABLE foods (
    id          uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
    owner_id    uuid          REFERENCES users (id) ON DELETE CASCADE,
    name        text          NOT NULL,
    brand       text,
    barcode     text,
    kind        food_kind     NOT NULL,
    category    food_category NOT NULL,
    energy_kcal numeric(6,2)  NOT NULL,
    protein_g   numeric(5,2)  NOT NULL,
    fat_g       numeric(5,2)  NOT NULL,
    carbs_g     numeric(5,2)  NOT NULL,
    fiber_g     numeric(5,2)  NOT NULL DEFAULT 0,
    sugar_g     numeric(5,2)  NOT NULL DEFAULT 0,
    sodium_mg   numeric(7,2)  NOT NULL DEFAULT 0,
    created_at  timestamptz   NOT NULL DEFAULT now(),
    updated_at  timestamptz   NOT NULL DEFAULT now(),
    CONSTRAINT foods_barcode_key UNIQUE (barcode),
    CONSTRAINT foods_name_check CHECK (char_length(name) BETWEEN 1 AND 200),
    CONSTRAINT foods_brand_check CHECK (char_length(brand) BETWEEN 1 AND 100),
    CONSTRAINT foods_barcode_check CHECK (barcode ~ '^[0-9]{8,14}$'),
    -- Pure fat is about 900 kcal per 100 g; nothing edible is more.
    CONSTRAINT foods_energy_kcal_check CHECK (energy_kcal BETWEEN 0 AND 900),
    CONSTRAINT foods_protein_g_check CHECK (protein_g BETWEEN 0 AND 100),
    CONSTRAINT foods_fat_g_check CHECK (fat_g BETWEEN 0 AND 100),
    CONSTRAINT foods_carbs_g_check CHECK (carbs_g BETWEEN 0 AND 100),
    CONSTRAINT foods_fiber_g_check CHECK (fiber_g BETWEEN 0 AND 100),
    CONSTRAINT foods_sugar_g_check CHECK (sugar_g BETWEEN 0 AND carbs_g),
    -- Table salt is about 39,000 mg of sodium per 100 g.
    CONSTRAINT foods_sodium_mg_check CHECK (sodium_mg BETWEEN 0 AND 40000),
    CONSTRAINT foods_macros_check CHECK (protein_g + fat_g + carbs_g <= 100)
);

-- Keyset pages of one owner's foods (or of the shared catalog: owner_id IS
-- NULL). The kind and category filters have a handful of values, each a
-- large share of the rows: a page walks this index in order and filters
-- as it goes, which an index of their own would not beat.
CREATE INDEX foods_owner_id_created_at_id_idx ON foods (owner_id, created_at, id);
-- "Name contains" (ILIKE '%...%').
CREATE INDEX foods_name_trgm_idx ON foods USING gin (name gin_trgm_ops);

-- migrate:down
DROP TABLE foods;
DROP TYPE food_category;
DROP TYPE food_kind;
DROP EXTENSION IF EXISTS pg_trgm;
