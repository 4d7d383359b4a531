package org.grace.core.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.grace.core.SettingChecks;
import org.grace.core.postgres.Transactions;

/**
 * Blobs in PostgreSQL: a row per blob in {@code grace_blobs} and its bytes in {@code grace_blob_chunks}, one row per
 * chunk. Made by {@link BlobStore#postgres(DataSource)}.
 *
 * <p>A put runs in one transaction on one connection: it writes the chunks under a fresh id while it hashes them,
 * then inserts the blob row under the hash with {@code ON CONFLICT DO NOTHING}. When another put of the same bytes
 * committed first (or commits while this one waits on the key), the transaction is rolled back and the stored blob
 * is the other one; a crash or a failing stream rolls back too, so no half-written blob is ever visible and nothing
 * is left to clean up. A get reads chunk by chunk, borrowing a connection per chunk, so a slow reader holds none.
 */
public final class PostgresBlobStore implements BlobStore {
    private final DataSource dataSource;
    private final int chunkSize;

    private PostgresBlobStore(Builder builder) {
        this.dataSource = builder.dataSource;
        this.chunkSize = builder.chunkSize;
    }

    /** Configures a {@link PostgresBlobStore}; every setter validates. */
    public static final class Builder {
        private final DataSource dataSource;
        private int chunkSize = DEFAULT_CHUNK_SIZE;

        Builder(DataSource dataSource) {
            this.dataSource = SettingChecks.given(dataSource, "dataSource");
        }

        /** Bytes per chunk row for new blobs, 16 KB-8 MB; blobs already stored keep theirs. */
        public Builder chunkSize(int chunkSize) {
            this.chunkSize = SettingChecks.between(chunkSize, 16 * 1024, 8 * 1024 * 1024, "chunkSize");
            return this;
        }

        public PostgresBlobStore build() {
            return new PostgresBlobStore(this);
        }
    }

    public int chunkSize() {
        return chunkSize;
    }

    @Override
    public StoredBlob put(InputStream content) {
        SettingChecks.given(content, "content");
        MessageDigest digest = BlobKeys.sha256();
        byte[] buffer = new byte[chunkSize];
        try (Connection connection = dataSource.getConnection()) {
            return Transactions.run(connection, c -> {
                long blobId;
                try (PreparedStatement next = c.prepareStatement("SELECT nextval('grace_blob_ids')");
                     ResultSet rs = next.executeQuery()) {
                    rs.next();
                    blobId = rs.getLong(1);
                }
                long size = 0;
                int seq = 0;
                try (PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO grace_blob_chunks (blob_id, seq, data) VALUES (?, ?, ?)")) {
                    int n;
                    while ((n = content.readNBytes(buffer, 0, chunkSize)) > 0) {
                        digest.update(buffer, 0, n);
                        insert.setLong(1, blobId);
                        insert.setInt(2, seq++);
                        insert.setBytes(3, n == chunkSize ? buffer : java.util.Arrays.copyOf(buffer, n));
                        insert.executeUpdate();
                        size += n;
                    }
                }
                String key = BlobKeys.hex(digest);
                int inserted;
                try (PreparedStatement blob = c.prepareStatement("INSERT INTO grace_blobs"
                        + " (blob_key, blob_id, size, chunk_size) VALUES (?, ?, ?, ?) ON CONFLICT (blob_key) DO NOTHING")) {
                    blob.setString(1, key);
                    blob.setLong(2, blobId);
                    blob.setLong(3, size);
                    blob.setInt(4, chunkSize);
                    inserted = blob.executeUpdate();
                }
                if (inserted != 1) {
                    c.rollback(); // the same bytes are stored already: keep those, drop these chunks
                }
                return new StoredBlob(key, size);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("reading the content to store failed; nothing was stored", e);
        } catch (SQLException e) {
            throw new BlobStoreException("storing a blob in PostgreSQL failed; nothing was stored: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public InputStream get(String key) {
        Meta meta = meta(BlobKeys.requireKey(key));
        return new ChunkStream(meta, 0, meta.size);
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        Meta meta = meta(BlobKeys.requireKey(key));
        BlobKeys.requireRange(key, offset, length, meta.size);
        return new ChunkStream(meta, offset, offset + length);
    }

    @Override
    public OptionalLong size(String key) {
        Meta meta = find(BlobKeys.requireKey(key));
        return meta == null ? OptionalLong.empty() : OptionalLong.of(meta.size);
    }

    @Override
    public boolean delete(String key) {
        BlobKeys.requireKey(key);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("DELETE FROM grace_blobs WHERE blob_key = ?")) {
            s.setString(1, key);
            return s.executeUpdate() == 1; // the chunks go with it (ON DELETE CASCADE)
        } catch (SQLException e) {
            throw new BlobStoreException("deleting blob " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public List<BlobInfo> list(String prefix, String startAfter, int limit) {
        BlobKeys.requireListArguments(prefix, startAfter, limit);
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT blob_key, size FROM grace_blobs"
                     + " WHERE blob_key LIKE ? AND blob_key > ? ORDER BY blob_key COLLATE \"C\" LIMIT ?")) {
            s.setString(1, prefix + "%");
            s.setString(2, startAfter == null ? "" : startAfter);
            s.setInt(3, limit);
            List<BlobInfo> result = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    result.add(new BlobInfo(rs.getString(1), rs.getLong(2)));
                }
            }
            return result;
        } catch (SQLException e) {
            throw new BlobStoreException("listing blobs failed: " + e.getMessage(), e);
        }
    }

    /** Nothing to release: the DataSource is the caller's. */
    @Override
    public void close() {
    }

    private record Meta(String key, long blobId, long size, int chunkSize) {
    }

    private Meta meta(String key) {
        Meta meta = find(key);
        if (meta == null) {
            throw new BlobNotFoundException(key);
        }
        return meta;
    }

    private Meta find(String key) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT blob_id, size, chunk_size FROM grace_blobs WHERE blob_key = ?")) {
            s.setString(1, key);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new Meta(key, rs.getLong(1), rs.getLong(2), rs.getInt(3)) : null;
            }
        } catch (SQLException e) {
            throw new BlobStoreException("looking up blob " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** Bytes [position, end) of a blob, fetched one chunk (or the part of one inside the range) at a time. */
    private final class ChunkStream extends InputStream {
        private final Meta meta;
        private final long end;
        private long position;
        private byte[] chunk = new byte[0];
        private int chunkPos;

        ChunkStream(Meta meta, long start, long end) {
            this.meta = meta;
            this.position = start;
            this.end = end;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) == 1 ? one[0] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (chunkPos == chunk.length) {
                if (position >= end) {
                    return -1;
                }
                fetch();
            }
            int n = Math.min(len, chunk.length - chunkPos);
            System.arraycopy(chunk, chunkPos, b, off, n);
            chunkPos += n;
            return n;
        }

        @Override
        public int available() {
            return chunk.length - chunkPos;
        }

        private void fetch() throws IOException {
            int seq = (int) (position / meta.chunkSize);
            int from = (int) (position % meta.chunkSize);
            int length = (int) Math.min(meta.chunkSize - from, end - position);
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("SELECT substring(data FROM ? FOR ?)"
                         + " FROM grace_blob_chunks WHERE blob_id = ? AND seq = ?")) {
                s.setInt(1, from + 1);
                s.setInt(2, length);
                s.setLong(3, meta.blobId);
                s.setInt(4, seq);
                try (ResultSet rs = s.executeQuery()) {
                    if (!rs.next()) {
                        throw new IOException("blob " + meta.key + " was deleted while it was being read");
                    }
                    chunk = rs.getBytes(1);
                }
            } catch (SQLException e) {
                throw new IOException("reading blob " + meta.key + " at byte " + position + " failed: "
                        + e.getMessage(), e);
            }
            if (chunk.length != length) {
                throw new IOException("blob " + meta.key + " chunk " + seq + " has " + chunk.length
                        + " bytes where " + length + " were expected");
            }
            chunkPos = 0;
            position += length;
        }
    }
}
