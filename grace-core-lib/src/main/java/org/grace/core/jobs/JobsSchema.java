package org.grace.core.jobs;

import java.util.List;
import javax.sql.DataSource;
import org.grace.core.postgres.SchemaScript;

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
        SchemaScript.run(dataSource, SCRIPT, LOCK_KEY, "the grace job tables");
    }

    /** The script split into statements. */
    static List<String> statements() {
        return SchemaScript.statements(SCRIPT);
    }
}
