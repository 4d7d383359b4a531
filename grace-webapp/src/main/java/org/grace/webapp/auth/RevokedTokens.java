package org.grace.webapp.auth;

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
 * Access tokens denied by logout until they expire, by {@code jti}. Every request asks Redis (one bounded round
 * trip to {@link DenialListInRedis}); logout writes to Redis and to PostgreSQL, and while Redis cannot answer the
 * check uses a copy of the PostgreSQL list at most a second old, so a logout holds through a Redis outage (a logout on another
 * instance takes effect here within that second). Without Redis configured, every check asks PostgreSQL.
 * A denial that Redis did not take is kept here and written again at the first Redis answer after its return;
 * until then (seconds) another instance asking Redis could still accept that token.
 *
 * <p>Redis may come back empty (restarted without persistence, flushed). The list in Redis is therefore only
 * believed while a marker key says it is complete; without it, the check asks PostgreSQL and one background thread
 * copies the list from PostgreSQL into Redis and sets the marker.
 */
@ApplicationScoped
public class RevokedTokens {
    private static final Logger LOG = Logger.getLogger(RevokedTokens.class.getName());
    @Inject
    DenialListInRedis inRedis;
    @Inject
    DataSource dataSource;

    private final java.util.concurrent.ConcurrentHashMap<String, Instant> notInRedis =
            new java.util.concurrent.ConcurrentHashMap<>();

    public void revoke(String jti, Instant expiresAt) {
        Duration ttl = Duration.between(Instant.now(), expiresAt).plusSeconds(60); // outlive the clock skew
        if (ttl.isNegative() || ttl.isZero()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO revoked_access_tokens (jti, expires_at) "
                     + "VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, jti);
            ps.setTimestamp(2, Timestamp.from(expiresAt.plusSeconds(60)));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
        if (inRedis.configured() && !inRedis.storeNow(jti, ttl)) {
            notInRedis.put(jti, expiresAt);
        }
        snapshot = null; // this instance's own logout counts at once
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
            java.util.Set<String> ids = new java.util.HashSet<>();
            try (Connection c = dataSource.getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT jti FROM revoked_access_tokens WHERE expires_at > now()");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
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
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT 1 FROM revoked_access_tokens WHERE jti = ?")) {
            ps.setString(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
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
                java.util.Map<String, Instant> denied = new java.util.HashMap<>();
                try (Connection c = dataSource.getConnection();
                     PreparedStatement ps = c.prepareStatement(
                             "SELECT jti, expires_at FROM revoked_access_tokens WHERE expires_at > now()");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        denied.put(rs.getString(1), rs.getTimestamp(2).toInstant());
                    }
                }
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
