package org.grace.webapp.database;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * Brings the schema up to date with Flyway when the instance starts. Flyway holds a PostgreSQL advisory lock while
 * it migrates, so instances starting at the same moment apply each migration once and the others wait for it.
 * When the database is not there at start-up, the instance keeps trying every few seconds and stays "not ready"
 * until the schema is in place.
 */
@ApplicationScoped
public class SchemaMigrations {
    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());
    /** Retry often enough that an instance is ready seconds after its database, not a minute later. */
    static final long RETRY_SECONDS = 3;

    @Inject
    DataSource dataSource;

    private volatile boolean migrated;
    private volatile String lastError;
    private RetryInBackground retries;

    public boolean isMigrated() {
        return migrated;
    }

    public String lastError() {
        return lastError;
    }

    /** Migrates now, or schedules retries in the background when the database cannot be reached. */
    public synchronized void start() {
        if (migrated || retries != null) {
            return;
        }
        retries = RetryInBackground.start("grace-schema-migrations", RETRY_SECONDS, this::tryMigrate);
    }

    private boolean tryMigrate() {
        try {
            Flyway flyway = Flyway.configure(SchemaMigrations.class.getClassLoader())
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .connectRetries(0)
                    .load();
            int applied = flyway.migrate().migrationsExecuted;
            var current = flyway.info().current();
            migrated = true;
            lastError = null;
            LOG.info(() -> "grace: schema at version " + (current == null ? "none" : current.getVersion())
                    + " (" + applied + " migrations applied now)");
            return true;
        } catch (RuntimeException e) {
            String message = oneLine(e);
            if (!message.equals(lastError)) {
                LOG.warning("grace: schema migration failed, retrying every " + RETRY_SECONDS + " s: " + message);
            }
            lastError = message;
            return false;
        }
    }

    private static String oneLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    @PreDestroy
    synchronized void stop() {
        if (retries != null) {
            retries.stop();
        }
    }
}
