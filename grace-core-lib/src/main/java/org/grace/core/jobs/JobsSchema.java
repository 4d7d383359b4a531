package org.grace.core.jobs;

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
 * Creates the job tables. Safe to call on every start-up of every instance: the script is idempotent and runs
 * under a transaction-scoped advisory lock, so instances starting at the same moment take turns instead of racing
 * on {@code CREATE TABLE IF NOT EXISTS} (which is not safe against concurrent runs in PostgreSQL).
 */
public final class JobsSchema {
    /** Classpath location of the script, for users who run it from Flyway or Liquibase instead. */
    public static final String SCRIPT = "org/grace/core/jobs/grace_jobs_v1.sql";

    /** Arbitrary constant key of the advisory lock ("grace-jobs" in ASCII, shortened to fit a bigint). */
    static final long LOCK_KEY = 0x6772616365_6A6FL;

    private JobsSchema() {
    }

    /** Creates the tables and indexes that are missing; does nothing when they exist. */
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
            throw new IllegalStateException("could not create the grace job tables: " + e.getMessage(), e);
        }
    }

    /** The script split into statements (it has no semicolons inside statements). */
    static List<String> statements() {
        String script;
        try (InputStream in = JobsSchema.class.getClassLoader().getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException("missing classpath resource " + SCRIPT);
            }
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> result = new ArrayList<>();
        for (String sql : withoutComments.toString().split(";")) {
            if (!sql.isBlank()) {
                result.add(sql.strip());
            }
        }
        return result;
    }
}
