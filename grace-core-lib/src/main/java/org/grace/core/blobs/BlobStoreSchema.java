package org.grace.core.blobs;

import javax.sql.DataSource;
import org.grace.core.postgres.SchemaScript;

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
        SchemaScript.run(dataSource, SCRIPT, LOCK_KEY, "the grace blob tables");
    }
}
