package org.grace.core.jobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.awaitility.Awaitility;
import org.grace.testsupport.PostgresDatabase;

/** Small JDBC helpers shared by the job ITs and the worker process they start. */
final class TestDatabase {
    private TestDatabase() {
    }

    /** A Hikari pool that gives up quickly while PostgreSQL is away, as production should be configured. */
    static HikariDataSource pool(String jdbcUrl, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(2);
        config.setConnectionTimeout(1_000);
        config.setValidationTimeout(500);
        config.setPoolName("test-" + Integer.toHexString(System.identityHashCode(config)));
        return new HikariDataSource(config);
    }

    /** Adds the job schema and the executions table the test handlers write to; returns the database's URL. */
    static String withJobsSchema(PostgresDatabase database) {
        String url = database.jdbcUrl();
        try (HikariDataSource ds = pool(url, 2)) {
            JobsSchema.migrate(ds);
            execute(ds, """
                    CREATE TABLE IF NOT EXISTS executions (
                        job_id bigint NOT NULL, worker text NOT NULL, attempt int NOT NULL,
                        at timestamptz NOT NULL DEFAULT clock_timestamp())""");
        }
        return url;
    }

    static void execute(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static long count(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Waits, at most {@code atMost}, until no job is pending or running (every job has come to an end). */
    static void awaitNothingToDo(DataSource ds, Duration atMost) {
        Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> count(ds, "SELECT count(*) FROM grace_jobs WHERE status IN ('pending', 'running')") == 0);
    }

    static String text(DataSource ds, String sql) {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    /** Enqueues {@code count} "record" jobs in one transaction; returns nothing, ids are 1..n in a fresh database. */
    static void enqueueRecordJobs(DataSource ds, int from, int count) {
        Jobs producer = Jobs.builder(ds).build();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < count; i++) {
                producer.enqueue(c, JobWorkerMain.RECORD, new JobWorkerMain.Work(from + i), JobOptions.DEFAULTS);
            }
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
