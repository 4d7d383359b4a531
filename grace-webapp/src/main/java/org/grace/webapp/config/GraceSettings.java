package org.grace.webapp.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.grace.core.postgres.PostgresUrl;
import org.grace.core.redis.RedisUrl;

/**
 * Every setting of a Grace instance, read through MicroProfile Config (so {@code GRACE_DB_URL} in the environment
 * is {@code grace.db.url}) and validated once. A bad value is a {@link InvalidSettingException} whose message is
 * one line naming the environment variable and what is wrong. Defaults work for one instance on one machine; the
 * README lists them all.
 */
@ApplicationScoped
public class GraceSettings {
    /** The guide's starting point for the pool: (instances * 2) + 1 connections per instance. */
    public static final int DEFAULT_INSTANCES = 1;
    /** The guide: close connections idle for 60 s. */
    public static final Duration DEFAULT_DB_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The guide: wait at most 30 s for a connection. */
    public static final Duration DEFAULT_DB_CONNECTION_TIMEOUT = Duration.ofSeconds(30);
    /** A health probe must answer well inside a load balancer's 5 s timeout. */
    public static final Duration DEFAULT_HEALTH_DB_TIMEOUT = Duration.ofSeconds(2);
    /** Redis round trips are about a millisecond; 100 ms is "degraded". */
    public static final Duration DEFAULT_HEALTH_REDIS_DEGRADED = Duration.ofMillis(100);

    private final Config config;

    @Inject
    public GraceSettings(Config config) {
        this.config = config;
    }

    protected GraceSettings() {
        this.config = null;
    }

    public PostgresUrl dbUrl() {
        String raw = config.getOptionalValue("grace.db.url", String.class)
                .orElseThrow(() -> new InvalidSettingException("GRACE_DB_URL is not set; expected "
                        + "jdbc:postgresql://host:port/database (the run command starts an embedded PostgreSQL)"));
        try {
            return PostgresUrl.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("GRACE_DB_URL " + e.getMessage());
        }
    }

    public String dbUser() {
        return string("grace.db.user", "postgres");
    }

    public String dbPassword() {
        return string("grace.db.password", "");
    }

    /** Empty when {@code GRACE_REDIS_URL} is not set: every Redis feature then runs on its in-memory fallback. */
    public Optional<RedisUrl> redisUrl() {
        Optional<String> raw = config.getOptionalValue("grace.redis.url", String.class).filter(s -> !s.isBlank());
        try {
            return raw.map(RedisUrl::parse);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("GRACE_REDIS_URL " + e.getMessage());
        }
    }

    public int instances() {
        int value = integer("grace.instances", "GRACE_INSTANCES", DEFAULT_INSTANCES);
        if (value < 1) {
            throw new InvalidSettingException("GRACE_INSTANCES must be at least 1, got " + value);
        }
        return value;
    }

    /** {@code GRACE_DB_POOL_SIZE}, or the guide's (instances * 2) + 1. */
    public int dbPoolSize() {
        int value = integer("grace.db.pool.size", "GRACE_DB_POOL_SIZE", instances() * 2 + 1);
        if (value < 1) {
            throw new InvalidSettingException("GRACE_DB_POOL_SIZE must be at least 1, got " + value);
        }
        return value;
    }

    public Duration dbIdleTimeout() {
        return duration("grace.db.pool.idle-timeout", "GRACE_DB_POOL_IDLE_TIMEOUT", DEFAULT_DB_IDLE_TIMEOUT);
    }

    public Duration dbConnectionTimeout() {
        return duration("grace.db.pool.connection-timeout", "GRACE_DB_POOL_CONNECTION_TIMEOUT",
                DEFAULT_DB_CONNECTION_TIMEOUT);
    }

    public Duration healthDbTimeout() {
        return duration("grace.health.db-timeout", "GRACE_HEALTH_DB_TIMEOUT", DEFAULT_HEALTH_DB_TIMEOUT);
    }

    public Duration healthRedisDegraded() {
        return duration("grace.health.redis-degraded", "GRACE_HEALTH_REDIS_DEGRADED", DEFAULT_HEALTH_REDIS_DEGRADED);
    }

    /** Reads every setting once so a bad one fails the deployment at start-up, not at the first request. */
    public void validate() {
        dbUrl();
        redisUrl();
        dbPoolSize();
        dbIdleTimeout();
        dbConnectionTimeout();
        healthDbTimeout();
        healthRedisDegraded();
    }

    public String string(String name, String defaultValue) {
        return config.getOptionalValue(name, String.class).orElse(defaultValue);
    }

    public int integer(String name, String envName, int defaultValue) {
        Optional<String> raw = config.getOptionalValue(name, String.class);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.get().trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(envName + " is not a whole number: '" + raw.get() + "'");
        }
    }

    /** A duration written as ISO-8601 ({@code PT30S}) or as a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}. */
    public Duration duration(String name, String envName, Duration defaultValue) {
        Optional<String> raw = config.getOptionalValue(name, String.class);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return defaultValue;
        }
        try {
            Duration value = parseDuration(raw.get().trim());
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException();
            }
            return value;
        } catch (RuntimeException e) {
            throw new InvalidSettingException(envName + " is not a positive duration: '" + raw.get()
                    + "' (write e.g. 500ms, 30s, 5m or PT30S)");
        }
    }

    static Duration parseDuration(String s) {
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s.toUpperCase());
        }
        var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m|h)").matcher(s);
        if (!m.matches()) {
            throw new IllegalArgumentException(s);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
