package org.grace.core.blobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The blob store contract against a real PostgreSQL, a fresh database per test; plus what is particular to it. */
@WithPostgres
class PostgresBlobStoreIT extends BlobStoreContract {
    private HikariDataSource pool;
    private PostgresDatabase db;
    private BlobStore store;

    @BeforeEach
    void freshDatabase(@Fresh PostgresDatabase db) {
        this.db = db;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.jdbcUrl());
        config.setUsername(db.user());
        config.setMaximumPoolSize(8);
        pool = new HikariDataSource(config);
        BlobStoreSchema.migrate(pool);
        BlobStoreSchema.migrate(pool); // twice: every instance runs it at every start
        store = BlobStore.postgres(pool).build();
    }

    @AfterEach
    void closePool() {
        store.close();
        pool.close();
    }

    @Override
    BlobStore store() {
        return store;
    }

    private long count(String sql) throws Exception {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void bytesAreChunkedAndDuplicatesLeaveNoRows() throws Exception {
        byte[] bytes = randomBytes(10, 3 * PostgresBlobStore.DEFAULT_CHUNK_SIZE + 5);
        store.put(new ByteArrayInputStream(bytes));
        store.put(new ByteArrayInputStream(bytes));

        assertThat(count("SELECT count(*) FROM grace_blob_chunks")).isEqualTo(4);
        assertThat(count("SELECT max(length(data)) FROM grace_blob_chunks"))
                .isEqualTo(PostgresBlobStore.DEFAULT_CHUNK_SIZE);
        assertThat(count("SELECT count(*) FROM grace_blobs")).isEqualTo(1);
    }

    @Test
    void deletingABlobDeletesItsChunks() throws Exception {
        String key = store.put(new ByteArrayInputStream(randomBytes(11, 2_000_000))).key();
        store.delete(key);
        assertThat(count("SELECT count(*) FROM grace_blob_chunks")).isZero();
    }

    @Test
    void blobsWrittenWithAnotherChunkSizeStayReadable() throws Exception {
        byte[] bytes = randomBytes(12, 300_000);
        String key = BlobStore.postgres(pool).chunkSize(64 * 1024).build().put(new ByteArrayInputStream(bytes)).key();

        assertThat(readAll(store.get(key))).isEqualTo(bytes);
        assertThat(readAll(store.get(key, 65_000, 1000)))
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, 65_000, 66_000));
    }

    @Test
    void a100MbStreamGoesThroughA64MbHeap() throws Exception {
        LargeBlobs.putAndGetThroughSmallHeap("postgres", "pg", db.jdbcUrl(), db.user(),
                Integer.toString(LargeBlobs.MEGABYTES));
        assertThat(count("SELECT count(*) FROM grace_blob_chunks")).isEqualTo(LargeBlobs.MEGABYTES * 2L);
    }
}
