-- Care documents and photos (issue 17): what a file is, whose it is and who brought it. The bytes are not here: they
-- are in the blob store (grace-core-lib's BlobStore, PostgreSQL tables grace_blobs/grace_blob_chunks or S3) under
-- sha256, the lower-case hex SHA-256 of the bytes. Several documents may name the same bytes; the blob is deleted by
-- a job once no row names it any more.
--
-- Every document belongs to a resident, and an incident's documents (body-map photos) also name the incident, so the
-- resident's visibility rules apply to every row and the incident's on top for incident documents.
CREATE TABLE documents (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id BIGINT      NOT NULL,
    resident_id     BIGINT      NOT NULL,
    incident_id     BIGINT,
    uploaded_by     BIGINT      NOT NULL,
    uploaded_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    -- As the uploader named it, sanitised: no path, no control characters, at most 200 characters.
    file_name       TEXT        NOT NULL CHECK (length(file_name) BETWEEN 1 AND 200),
    -- As sniffed from the bytes, never as declared by the client.
    content_type    TEXT        NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp',
                                                                 'application/pdf')),
    size_bytes      BIGINT      NOT NULL CHECK (size_bytes > 0),
    sha256          CHAR(64)    NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    -- Pixel dimensions read from an image's header; null for PDF.
    width           INTEGER     CHECK (width > 0),
    height          INTEGER     CHECK (height > 0),
    FOREIGN KEY (organization_id, resident_id) REFERENCES residents (organization_id, id),
    FOREIGN KEY (organization_id, incident_id) REFERENCES incidents (organization_id, id),
    FOREIGN KEY (organization_id, uploaded_by) REFERENCES users (organization_id, id)
);
CREATE INDEX documents_resident_idx ON documents (resident_id, id) WHERE incident_id IS NULL;
CREATE INDEX documents_incident_idx ON documents (incident_id, id) WHERE incident_id IS NOT NULL;
-- The blob cleanup asks "does any row still name these bytes?".
CREATE INDEX documents_sha256_idx ON documents (sha256);
-- The per-organisation quota sums an organisation's sizes.
CREATE INDEX documents_organization_idx ON documents (organization_id) INCLUDE (size_bytes);

-- Small JPEG copies of a photo (longer side `size` pixels, no metadata), made by a job after the upload; their bytes
-- are blobs like any other, deleted by the same cleanup once no row names them.
CREATE TABLE document_thumbnails (
    document_id BIGINT   NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    size        INTEGER  NOT NULL CHECK (size > 0),
    sha256      CHAR(64) NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes  BIGINT   NOT NULL CHECK (size_bytes > 0),
    width       INTEGER  NOT NULL CHECK (width > 0),
    height      INTEGER  NOT NULL CHECK (height > 0),
    PRIMARY KEY (document_id, size)
);
CREATE INDEX document_thumbnails_sha256_idx ON document_thumbnails (sha256);
