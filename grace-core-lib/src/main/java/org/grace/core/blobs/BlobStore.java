package org.grace.core.blobs;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;

/**
 * Files that any instance can serve: immutable blobs in shared storage under content-addressed keys. The key of a
 * blob is the lower-case hex SHA-256 of its bytes, so the same bytes are stored once, and a key never changes
 * meaning (what a key names can only be there or not there).
 *
 * <pre>{@code
 * BlobStoreSchema.migrate(dataSource);                        // PostgreSQL back end (the default)
 * BlobStore blobs = BlobStore.postgres(dataSource).build();
 *
 * BlobStore blobs = BlobStore.s3("grace-documents")           // S3 or an S3-compatible store
 *         .endpoint(URI.create("https://minio.internal:9000")).region("eu-west-2")
 *         .credentials(accessKey, secretKey).build();
 *
 * StoredBlob stored = blobs.put(upload.getInputStream());
 * try (InputStream in = blobs.get(stored.key(), 0, 1024)) { ... }
 * }</pre>
 *
 * Contents are streamed both ways: a put reads its stream once, in chunks, and a get returns a stream that fetches
 * as it is read; neither holds a whole blob in memory. Thread-safe; {@link #close()} releases what the back end
 * opened itself (an S3 client it built; never the caller's DataSource or client).
 */
public interface BlobStore extends AutoCloseable {

    /** Reads the stream to its end and stores its bytes; returns the key and size. The stream is not closed. */
    StoredBlob put(InputStream content);

    /**
     * The whole blob as a stream that fetches as it is read; the caller closes it.
     *
     * @throws BlobNotFoundException when no blob has this key
     */
    InputStream get(String key);

    /**
     * {@code length} bytes from {@code offset} (0-based): {@code offset + length} must be at most the size.
     *
     * @throws BlobRangeException    when the range is empty or reaches past the end; it carries the blob's size
     * @throws BlobNotFoundException when no blob has this key
     */
    InputStream get(String key, long offset, long length);

    /** The blob's size in bytes, or empty when no blob has this key. */
    OptionalLong size(String key);

    default boolean exists(String key) {
        return size(key).isPresent();
    }

    /**
     * Removes the blob; returns whether it was there. A key is shared by every upload of the same bytes: the caller
     * decides when no one refers to it any more. A get already streaming may fail part-way.
     */
    boolean delete(String key);

    /**
     * Up to {@code limit} blobs whose key starts with {@code prefix} (lower-case hex, may be empty) and sorts after
     * {@code startAfter} (null for the first page), in key order: page on with the last key returned.
     */
    List<BlobInfo> list(String prefix, String startAfter, int limit);

    /** Every blob whose key starts with {@code prefix}, paging through {@link #list(String, String, int)}. */
    default List<BlobInfo> list(String prefix) {
        List<BlobInfo> all = new ArrayList<>();
        String after = null;
        while (true) {
            List<BlobInfo> page = list(prefix, after, 1000);
            all.addAll(page);
            if (page.size() < 1000) {
                return all;
            }
            after = page.get(page.size() - 1).key();
        }
    }

    @Override
    void close();

    /** A blob store in PostgreSQL on {@code dataSource}, in tables made by {@link BlobStoreSchema#migrate}. */
    static PostgresBlobStore.Builder postgres(DataSource dataSource) {
        return new PostgresBlobStore.Builder(dataSource);
    }

    /** A blob store in the S3 bucket {@code bucket} (which must exist), through the AWS SDK for Java v2. */
    static S3BlobStore.Builder s3(String bucket) {
        return new S3BlobStore.Builder(bucket);
    }

    /** What a put stored: the content-addressed key and the size in bytes. */
    record StoredBlob(String key, long size) {
    }

    /** A blob as listed: key and size in bytes. */
    record BlobInfo(String key, long size) {
    }
}
