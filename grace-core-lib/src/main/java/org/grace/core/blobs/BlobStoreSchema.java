package org.grace.core.blobs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

/**
 * Creates the tables of the PostgreSQL blob store, the way {@code JobsSchema} does for jobs: idempotent, under a
 * transaction-scoped advisory lock so that instances starting together take turns. Safe on every start-up.
 */
public final class BlobStoreSchema {
    /** Classpath location of the script, for users who run it from Flyway or Liquibase instead. */
    public static final String SCRIPT = "org/grace/core/blobs/grace_blobs_v1.sql";

    /** Arbitrary constant key of the advisory lock ("grace-blob" in ASCII, shortened to fit a bigint). */
    static final long LOCK_KEY = 0x6772616365_626CL;

    private BlobStoreSchema() {
    }

    /** Creates the tables that are missing; does nothing when they exist. */
    public static void migrate(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource must not be null");
        List<String> statements = statements();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
                for (String sql : statements) {
                    s.execute(sql);
                }
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the grace blob tables: " + e.getMessage(), e);
        }
    }

    static List<String> statements() {
        String script;
        try (InputStream in = BlobStoreSchema.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + SCRIPT);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder code = new StringBuilder();
        for (String line : script.split("\n")) {
            int comment = line.indexOf("--");
            code.append(comment >= 0 ? line.substring(0, comment) : line).append('\n');
        }
        List<String> result = new ArrayList<>();
        for (String sql : code.toString().split(";")) {
            if (!sql.isBlank()) {
                result.add(sql.strip());
            }
        }
        return result;
    }
}
