-- migrate:up

-- The expiry digests sent: one per user and day, recorded in the
-- transaction that completes the digest's job (jobs.CompleteTx), so that a
-- retried or rescued job finds its digest sent and sends no other.
CREATE TABLE expiry_digests (
    owner_id   uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day        date        NOT NULL,
    items      integer     NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, day),
    CONSTRAINT expiry_digests_items_check CHECK (items > 0)
);

-- migrate:down
DROP TABLE expiry_digests;
