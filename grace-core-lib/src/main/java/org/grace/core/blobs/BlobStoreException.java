package org.grace.core.blobs;

/** The storage behind a {@link BlobStore} failed (database, S3 service, network), or a blob is missing. */
public class BlobStoreException extends RuntimeException {
    public BlobStoreException(String message) {
        super(message);
    }

    public BlobStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
