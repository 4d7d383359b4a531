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
import javax.sql.DataSource;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.redis.RedisGuard;

/**
 * Access tokens denied by logout until they expire, by {@code jti}. Every request asks Redis (a key lookup behind
 * {@link RedisGuard}); logout writes to Redis and to PostgreSQL, and while Redis cannot answer the check asks
 * PostgreSQL, so a logout holds through a Redis outage at the cost of one indexed query per request meanwhile.
 * A denial that Redis did not take is kept here and written again at the first Redis answer after its return;
 * until then (seconds) another instance asking Redis could still accept that token.
 */
@ApplicationScoped
public class RevokedTokens {
    @Inject
    RedisGuard guard;
    @Inject
    RedisConnection redis;
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
        if (redis.client().isPresent() && !guard.revoke(jti, ttl)) {
            notInRedis.put(jti, expiresAt);
        }
    }

    private void pushPending() {
        for (var e : notInRedis.entrySet()) {
            Duration ttl = Duration.between(Instant.now(), e.getValue()).plusSeconds(60);
            if (ttl.isNegative() || ttl.isZero() || guard.revoke(e.getKey(), ttl)) {
                notInRedis.remove(e.getKey());
            } else {
                return;
            }
        }
    }

    public boolean isRevoked(String jti) {
        if (redis.client().isPresent()) {
            Boolean inRedis = guard.isRevoked(jti);
            if (inRedis != null) {
                if (!notInRedis.isEmpty()) {
                    pushPending();
                }
                return inRedis || notInRedis.containsKey(jti);
            }
        }
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

    public int purgeExpired() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM revoked_access_tokens WHERE expires_at < now()")) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }
}
