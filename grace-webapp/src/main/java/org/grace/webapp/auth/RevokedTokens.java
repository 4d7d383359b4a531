package org.grace.webapp.auth;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.database.Statements;

/**
 * Access tokens denied by logout until they expire, by {@code jti}. Which source answers a request's check:
 * <ol>
 *   <li>this instance's copy of the list ({@link DenialListInMemory}) when it holds the denial, or when it is current
 *       (read from PostgreSQL less than 3 s ago, Redis reachable): no Redis call;</li>
 *   <li>otherwise Redis ({@link DenialListInRedis}, one bounded round trip), while its copy is marked complete: this
 *       is the source during a PostgreSQL outage, and the periodic read of the in-memory copy keeps it complete;</li>
 *   <li>while Redis cannot answer, a copy of the PostgreSQL list at most a second old (a logout on another instance
 *       takes effect here within that second); Redis answering without its marker, PostgreSQL itself;</li>
 *   <li>neither answering: {@link DataAccessException}, answered 503 (the token is not accepted unchecked).</li>
 * </ol>
 * Logout writes to PostgreSQL, to this instance's copy, to the other instances' copies (an event) and to Redis.
 * A denial that Redis did not take is kept here and written again at the next Redis answer or periodic read while
 * Redis is reachable; until then this instance refuses it from its own copy, and the others from theirs.
 *
 * <p>Redis may come back empty (restarted without persistence, flushed). The list in Redis is therefore only
 * believed while a marker key says it is complete; without it, the check asks PostgreSQL and one background thread
 * copies the list from PostgreSQL into Redis and sets the marker (the periodic read does the same within 2 s).
 */
@ApplicationScoped
public class RevokedTokens {
    private static final Logger LOG = Logger.getLogger(RevokedTokens.class.getName());
    @Inject
    DenialListInRedis inRedis;
    @Inject
    DenialListInMemory inMemory;
    @Inject
    DataSource dataSource;

    private final java.util.concurrent.ConcurrentHashMap<String, Instant> notInRedis =
            new java.util.concurrent.ConcurrentHashMap<>();

    public void revoke(String jti, Instant expiresAt) {
        Duration ttl = Duration.between(Instant.now(), expiresAt).plusSeconds(60); // outlive the clock skew
        if (ttl.isNegative() || ttl.isZero()) {
            return;
        }
        try {
            insert(jti, expiresAt.plusSeconds(60));
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        inMemory.deny(jti, expiresAt.plusSeconds(60));
        if (inRedis.configured() && !inRedis.storeNow(jti, ttl)) {
            notInRedis.put(jti, expiresAt);
        }
        snapshot = null; // this instance's own logout counts at once
    }

    /** Denials Redis did not take are written again after each periodic read of the list while Redis answers. */
    @PostConstruct
    void pushPendingAfterEachRead() {
        inMemory.afterEachRead(() -> {
            if (!notInRedis.isEmpty()) {
                pushPending();
            }
        });
    }

    private void pushPending() {
        for (var e : notInRedis.entrySet()) {
            Duration ttl = Duration.between(Instant.now(), e.getValue()).plusSeconds(60);
            if (ttl.isNegative() || ttl.isZero() || inRedis.store(e.getKey(), ttl)) {
                notInRedis.remove(e.getKey());
            } else {
                return;
            }
        }
    }

    public boolean isRevoked(String jti) {
        Boolean local = inMemory.check(jti);
        if (local != null) {
            if (!notInRedis.isEmpty()) {
                pushPending();
            }
            return local;
        }
        if (inRedis.configured()) {
            Integer answer = inRedis.check(jti);
            if (answer != null && answer < 0) {
                reloadInBackground(); // Redis answers but lost the list (restart, flush): rebuild it
            } else if (answer != null) {
                if (!notInRedis.isEmpty()) {
                    pushPending();
                }
                return answer == 1 || notInRedis.containsKey(jti);
            } else {
                // Redis unreachable: a copy of the list from PostgreSQL, at most a second old, instead of a query
                // per request. A logout on another instance is honoured here within that second.
                return snapshot().contains(jti) || notInRedis.containsKey(jti);
            }
        }
        return inDatabase(jti);
    }

    /** Denied ids from PostgreSQL, re-read when older than {@link #SNAPSHOT_MAX_AGE_NANOS}. */
    private java.util.Set<String> snapshot() {
        long now = System.nanoTime();
        Snapshot current = snapshot;
        if (current != null && now - current.readAt < SNAPSHOT_MAX_AGE_NANOS) {
            return current.ids;
        }
        synchronized (this) {
            current = snapshot;
            if (current != null && now - current.readAt < SNAPSHOT_MAX_AGE_NANOS) {
                return current.ids;
            }
            java.util.Set<String> ids;
            try {
                ids = readAll().keySet();
            } catch (SQLException e) {
                throw new DataAccessException(e);
            }
            snapshot = new Snapshot(java.util.Set.copyOf(ids), System.nanoTime());
            return snapshot.ids;
        }
    }

    private record Snapshot(java.util.Set<String> ids, long readAt) {
    }

    /** How stale the outage copy of the denial list may be: a logout elsewhere takes effect here within it. */
    static final long SNAPSHOT_MAX_AGE_NANOS = 1_000_000_000L;
    private volatile Snapshot snapshot;

    private boolean inDatabase(String jti) {
        try {
            return isInDatabase(jti);
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    // The three PostgreSQL statements, package-private so that a test can stand in a database that fails.

    void insert(String jti, Instant keepUntil) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO revoked_access_tokens (jti, expires_at) "
                     + "VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, jti);
            ps.setTimestamp(2, Timestamp.from(keepUntil));
            ps.executeUpdate();
        }
    }

    java.util.Map<String, Instant> readAll() throws SQLException {
        return DenialListInMemory.readAll(dataSource);
    }

    boolean isInDatabase(String jti) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM revoked_access_tokens WHERE jti = ?")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private final java.util.concurrent.atomic.AtomicBoolean reloading = new java.util.concurrent.atomic.AtomicBoolean();

    /** Copies the denial list from PostgreSQL into Redis, once at a time; requests ask PostgreSQL meanwhile. */
    private void reloadInBackground() {
        if (!reloading.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                java.util.Map<String, Instant> denied = readAll();
                inRedis.reload(denied);
                LOG.info("grace: token denial list loaded into Redis (" + denied.size() + " entries)");
            } catch (Exception e) {
                LOG.warning("grace: token denial list not loaded into Redis yet: " + e.getMessage());
            } finally {
                reloading.set(false);
            }
        }, "grace-denial-reload");
        t.setDaemon(true);
        t.start();
    }

    public int purgeExpired() {
        return Statements.update(dataSource, "DELETE FROM revoked_access_tokens WHERE expires_at < now()");
    }
}
