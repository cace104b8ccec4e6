-- migrate:up

-- A barcode is unique within one owner's foods and within the shared
-- catalog, never across owners: a user must not learn of, or be blocked
-- by, the barcodes of another user's private foods. Every row the global
-- key allowed, these allow. The catalog's index and the owner's (which
-- leads with owner_id) also serve barcode lookups.
ALTER TABLE foods DROP CONSTRAINT foods_barcode_key;
CREATE UNIQUE INDEX foods_owner_id_barcode_key ON foods (owner_id, barcode) WHERE owner_id IS NOT NULL;
CREATE UNIQUE INDEX foods_catalog_barcode_key ON foods (barcode) WHERE owner_id IS NULL;

-- migrate:down

-- Fails when two owners, or an owner and the catalog, share a barcode:
-- the global key cannot hold such rows.
DROP INDEX foods_catalog_barcode_key;
DROP INDEX foods_owner_id_barcode_key;
ALTER TABLE foods ADD CONSTRAINT foods_barcode_key UNIQUE (barcode);
