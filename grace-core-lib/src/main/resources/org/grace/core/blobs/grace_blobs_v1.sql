-- Blob store tables (org.grace.core.blobs.PostgresBlobStore). Idempotent: run by BlobStoreSchema.migrate at
-- start-up, or copy into Flyway/Liquibase. No semicolons inside statements (the runner splits on them).

-- One row per stored blob, written in the same transaction as its chunks, after them.
CREATE TABLE IF NOT EXISTS grace_blobs (
    blob_key   char(64)    PRIMARY KEY,          -- lower-case hex SHA-256 of the bytes
    blob_id    bigint      NOT NULL UNIQUE,      -- what the chunks hang on
    size       bigint      NOT NULL CHECK (size >= 0),
    chunk_size integer     NOT NULL CHECK (chunk_size > 0), -- as written; the store may be reconfigured later
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE SEQUENCE IF NOT EXISTS grace_blob_ids;

-- The bytes, chunk_size per row (the last one shorter). The foreign key is checked at commit, because a put writes
-- its chunks before it knows the hash (the blob row comes last); deleting the blob row deletes its chunks.
CREATE TABLE IF NOT EXISTS grace_blob_chunks (
    blob_id bigint  NOT NULL REFERENCES grace_blobs (blob_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    seq     integer NOT NULL,
    data    bytea   NOT NULL,
    PRIMARY KEY (blob_id, seq)
);

-- Out of line and uncompressed: photos and PDFs are compressed already, and substring() on an uncompressed value
-- reads only the pages of the range asked for.
ALTER TABLE grace_blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
