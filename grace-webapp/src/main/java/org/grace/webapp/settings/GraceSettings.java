package org.grace.webapp.settings;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** The issue: access tokens live 15 minutes, so a stolen one is useful briefly and logout denial lists stay small. */
    public static final Duration DEFAULT_AUTH_ACCESS_TTL = Duration.ofMinutes(15);
    /** A week of "stay signed in" on one device; each refresh rotates the token, so a stolen one is noticed. */
    public static final Duration DEFAULT_AUTH_REFRESH_TTL = Duration.ofDays(7);
    /** Tolerance for clocks of instances that disagree a little (NTP keeps them within milliseconds normally). */
    public static final Duration DEFAULT_AUTH_CLOCK_SKEW = Duration.ofSeconds(30);
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256: about a quarter second per check on one core. */
    public static final int DEFAULT_AUTH_PBKDF2_ITERATIONS = 600_000;
    /** The issue: sign-in attempts per IP and per account. Enough for typos, useless for guessing. */
    public static final int DEFAULT_RATELIMIT_LOGIN_PER_MINUTE = 5;
    /** The issue: API calls per user. A busy staff screen makes a few calls a second at most. */
    public static final int DEFAULT_RATELIMIT_API_PER_MINUTE = 100;
    /** The issue: request bodies over 1 MB are refused with 413. */
    public static final int DEFAULT_HTTP_MAX_BODY_BYTES = 1024 * 1024;
    /** The issue: responses over 1 KB are compressed; smaller ones gain less than gzip's header and CPU cost. */
    public static final int DEFAULT_HTTP_GZIP_MIN_BYTES = 1024;
    /** The issue: a slow or dead Redis never holds a request for more than about 50 ms. */
    public static final Duration DEFAULT_REDIS_CALL_TIMEOUT = Duration.ofMillis(50);

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

    /** {@code iss} of the tokens this deployment issues and accepts. */
    public String authIssuer() {
        return nonBlank("grace.auth.issuer", "GRACE_AUTH_ISSUER", "grace");
    }

    /** {@code aud} of the tokens this deployment issues and accepts. */
    public String authAudience() {
        return nonBlank("grace.auth.audience", "GRACE_AUTH_AUDIENCE", "grace-api");
    }

    public Duration authAccessTtl() {
        return duration("grace.auth.access-ttl", "GRACE_AUTH_ACCESS_TTL", DEFAULT_AUTH_ACCESS_TTL);
    }

    public Duration authRefreshTtl() {
        return duration("grace.auth.refresh-ttl", "GRACE_AUTH_REFRESH_TTL", DEFAULT_AUTH_REFRESH_TTL);
    }

    public Duration authClockSkew() {
        return duration("grace.auth.clock-skew", "GRACE_AUTH_CLOCK_SKEW", DEFAULT_AUTH_CLOCK_SKEW);
    }

    /** PEM (PKCS#8) RSA private key that signs access tokens; empty means "generate one" (development only). */
    public Optional<String> authSigningKey() {
        return config.getOptionalValue("grace.auth.signing-key", String.class).filter(s -> !s.isBlank());
    }

    /** {@code kid} of the signing key; empty means its RFC 7638 thumbprint. */
    public Optional<String> authSigningKeyId() {
        return config.getOptionalValue("grace.auth.signing-key-id", String.class).filter(s -> !s.isBlank());
    }

    /** PEM public key still accepted during a rotation (the key that signed until now); empty outside rotations. */
    public Optional<String> authPreviousPublicKey() {
        return config.getOptionalValue("grace.auth.previous-public-key", String.class).filter(s -> !s.isBlank());
    }

    public Optional<String> authPreviousKeyId() {
        return config.getOptionalValue("grace.auth.previous-key-id", String.class).filter(s -> !s.isBlank());
    }

    /** {@code Secure} on the cookies; {@code false} only for plain-HTTP local development. */
    public boolean authCookieSecure() {
        return bool("grace.auth.cookie-secure", "GRACE_AUTH_COOKIE_SECURE", true);
    }

    public int authPbkdf2Iterations() {
        int value = integer("grace.auth.pbkdf2-iterations", "GRACE_AUTH_PBKDF2_ITERATIONS",
                DEFAULT_AUTH_PBKDF2_ITERATIONS);
        if (value < 10_000) {
            throw new InvalidSettingException("GRACE_AUTH_PBKDF2_ITERATIONS must be at least 10000, got " + value);
        }
        return value;
    }

    /** When set, {@code POST /api/setup} also needs this value in {@code X-Setup-Token}. */
    public Optional<String> setupToken() {
        return config.getOptionalValue("grace.setup.token", String.class).filter(s -> !s.isBlank());
    }

    public int rateLimitLoginPerMinute() {
        return positive("grace.ratelimit.login-per-minute", "GRACE_RATELIMIT_LOGIN_PER_MINUTE",
                DEFAULT_RATELIMIT_LOGIN_PER_MINUTE);
    }

    public int rateLimitApiPerMinute() {
        return positive("grace.ratelimit.api-per-minute", "GRACE_RATELIMIT_API_PER_MINUTE",
                DEFAULT_RATELIMIT_API_PER_MINUTE);
    }

    /**
     * Addresses ({@code 10.0.0.5}) or ranges ({@code 10.0.0.0/8}) of the load balancers whose
     * {@code X-Forwarded-For} is believed; empty: the header is ignored and the peer address is the client.
     */
    public List<AddressRange> trustedProxies() {
        String raw = string("grace.http.trusted-proxies", "");
        List<AddressRange> out = new ArrayList<>();
        for (String part : raw.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            try {
                out.add(AddressRange.parse(p));
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException("GRACE_HTTP_TRUSTED_PROXIES has '" + p + "': " + e.getMessage());
            }
        }
        return out;
    }

    public int httpMaxBodyBytes() {
        return positive("grace.http.max-body-bytes", "GRACE_HTTP_MAX_BODY_BYTES", DEFAULT_HTTP_MAX_BODY_BYTES);
    }

    public int httpGzipMinBytes() {
        return positive("grace.http.gzip-min-bytes", "GRACE_HTTP_GZIP_MIN_BYTES", DEFAULT_HTTP_GZIP_MIN_BYTES);
    }

    /** How long a request waits for one Redis call before its fallback answers. */
    public Duration redisCallTimeout() {
        return duration("grace.redis.call-timeout", "GRACE_REDIS_CALL_TIMEOUT", DEFAULT_REDIS_CALL_TIMEOUT);
    }

    /** Whether this instance runs the job workers (every instance can enqueue). */
    public boolean jobsWorker() {
        return bool("grace.jobs.worker", "GRACE_JOBS_WORKER", true);
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
        authIssuer();
        authAudience();
        authAccessTtl();
        authRefreshTtl();
        authClockSkew();
        authCookieSecure();
        authPbkdf2Iterations();
        rateLimitLoginPerMinute();
        rateLimitApiPerMinute();
        trustedProxies();
        httpMaxBodyBytes();
        httpGzipMinBytes();
        jobsWorker();
        redisCallTimeout();
    }

    private String nonBlank(String name, String envName, String defaultValue) {
        String value = string(name, defaultValue).trim();
        if (value.isEmpty()) {
            throw new InvalidSettingException(envName + " must not be blank");
        }
        return value;
    }

    private int positive(String name, String envName, int defaultValue) {
        int value = integer(name, envName, defaultValue);
        if (value < 1) {
            throw new InvalidSettingException(envName + " must be at least 1, got " + value);
        }
        return value;
    }

    public boolean bool(String name, String envName, boolean defaultValue) {
        Optional<String> raw = config.getOptionalValue(name, String.class).filter(s -> !s.isBlank());
        if (raw.isEmpty()) {
            return defaultValue;
        }
        return switch (raw.get().trim().toLowerCase()) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new InvalidSettingException(envName + " must be true or false, got '" + raw.get() + "'");
        };
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
