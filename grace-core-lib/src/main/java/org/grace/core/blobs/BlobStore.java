package org.grace.core.blobs;

import java.io.InputStream;
import java.time.Duration;
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
    /**
     * PostgreSQL back end: bytes per chunk row. Large enough that a 10 MB photo is 20 rows and a 100 MB upload 200
     * round trips; small enough that the one chunk a put or a get holds in memory (twice, with the driver's copy) stays near a megabyte.
     */
    int DEFAULT_CHUNK_SIZE = 512 * 1024;

    /**
     * S3 back end: bytes per part of a multipart upload, and the size under which a blob goes in one request. S3's
     * minimum part is 5 MB; 8 MB is the SDK's own default, and it is also what one put holds in memory.
     */
    int DEFAULT_S3_PART_SIZE = 8 * 1024 * 1024;

    /** Region signed for when none is set: what S3-compatible stores without regions expect. */
    String DEFAULT_S3_REGION = "us-east-1";

    /**
     * Socket read and connect timeouts of the HTTP client the S3 builder makes: long enough for a slow part on a busy
     * link, short enough that a dead endpoint fails a request instead of hanging a request thread.
     */
    Duration DEFAULT_S3_TIMEOUT = Duration.ofSeconds(30);

    /** S3's largest single copy: the limit on a blob stored through a multipart upload. */
    long MAX_S3_BLOB_SIZE = 5L * 1024 * 1024 * 1024;

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
