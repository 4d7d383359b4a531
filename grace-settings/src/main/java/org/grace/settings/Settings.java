package org.grace.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.core.postgres.PostgresUrl;
import org.grace.core.ratelimit.Limit;
import org.grace.core.redis.RedisUrl;

/**
 * Every setting of a Grace instance, read and validated in one place. Property names are MicroProfile Config's
 * ({@code grace.auth.access-ttl}); in production each comes from the environment variable MicroProfile Config maps to
 * it: the name upper-cased with every character other than a letter or digit written {@code _}
 * ({@code GRACE_AUTH_ACCESS_TTL}). A bad value is an {@link InvalidSettingException} whose message is one line naming
 * the environment variable and what is wrong. A value is bad when it does not parse, and also when the part that uses
 * it would refuse it later (the rate limiter's and the connection pool's bounds), so start-up stops, not the first
 * request.
 *
 * <p>The same code runs twice: in the launcher, on the environment, before Payara Micro boots
 * ({@link #problems()}), and in the web application at deployment ({@link #validate()}), where the settings come from
 * MicroProfile Config. Defaults work for one instance on one machine; the README and docs/webapp.md list them all.
 *
 * <p>Longer than 400 lines on purpose: it is the one list of settings, each with its default (and why), its bounds
 * and its message; split by area, an operator's question "what can I set and what does it accept" would have no
 * single answer.
 */
public class Settings {
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
    /**
     * Most API permits an instance takes from Redis at once for one busy user (grace-core-lib's leases): a user
     * whose calls reach an instance faster than about two a second spends them there without a round trip each. 16:
     * at the 100-a-minute limit another instance may see a denial at most 15 permits early, for at most a second.
     */
    public static final int DEFAULT_RATELIMIT_API_LEASE = 16;
    /** Transcripts per companion device: one conversation a minute is already a talkative resident. */
    public static final int DEFAULT_RATELIMIT_INGEST_DEVICE_PER_MINUTE = 60;
    /** Transcripts per resident from all sources: a stuck device or script must not flood one resident's alerts. */
    public static final int DEFAULT_RATELIMIT_INGEST_RESIDENT_PER_MINUTE = 30;
    /** The issue: an incident is recorded at detector confidence 0.6 and above. */
    public static final double DEFAULT_DETECTION_MIN_CONFIDENCE = 0.6;
    /** The issue: request bodies over 1 MB are refused with 413. */
    public static final int DEFAULT_HTTP_MAX_BODY_BYTES = 1024 * 1024;
    /** The issue: responses over 1 KB are compressed; smaller ones gain less than gzip's header and CPU cost. */
    public static final int DEFAULT_HTTP_GZIP_MIN_BYTES = 1024;
    /** The issue: a slow or dead Redis never holds a request for more than about 50 ms. */
    public static final Duration DEFAULT_REDIS_CALL_TIMEOUT = Duration.ofMillis(50);
    /**
     * After SIGTERM the instance keeps serving this long with readiness answering 503 before Payara Micro stops the
     * application: a load balancer or orchestrator polling readiness every second or two has stopped sending work by
     * then. Without it Payara Micro undeploys at once while its listener still accepts, and what arrives meanwhile
     * gets the container's own 500.
     */
    public static final Duration DEFAULT_SHUTDOWN_DRAIN = Duration.ofSeconds(5);
    /** The launcher gives Payara Micro 30 s to stop before SIGKILL; the drain must leave time for the stop itself. */
    public static final Duration MAX_SHUTDOWN_DRAIN = Duration.ofSeconds(20);
    /**
     * Issue #15: the first 20-30 s of a cold instance on two busy cores ran at a tenth of its warm rate and missed
     * Redis deadlines; a warm-up stops as soon as its Redis round trips are steady, so this is only the worst case.
     */
    public static final Duration DEFAULT_WARMUP = Duration.ofSeconds(20);
    /** Deploys wait 120 s for a new instance's health by default (ansible grace_health_timeout_seconds). */
    public static final Duration MAX_WARMUP = Duration.ofSeconds(60);
    /** The issue: a heartbeat every 15 s keeps an idle live stream open through nginx's 60 s read timeout. */
    public static final Duration DEFAULT_STREAM_HEARTBEAT = Duration.ofSeconds(15);
    /** Open live streams one instance accepts (the soak benchmark holds about 700 per instance). */
    public static final int DEFAULT_STREAM_MAX_CONNECTIONS = 2000;
    /** Open live streams of one user on one instance: one per tab, a few tabs. */
    public static final int DEFAULT_STREAM_MAX_PER_USER = 10;
    /** Bounds of the stream settings: a heartbeat shorter than a second is traffic, longer than 5 min is no use. */
    public static final Duration MIN_STREAM_HEARTBEAT = Duration.ofSeconds(1);
    public static final Duration MAX_STREAM_HEARTBEAT = Duration.ofMinutes(5);
    public static final int MAX_STREAM_CONNECTIONS = 100_000;

    /** The pool needs at least this long to hand out a connection (HikariCP refuses less). */
    public static final Duration MIN_DB_CONNECTION_TIMEOUT = Duration.ofMillis(250);
    /** HikariCP quietly raises a shorter idle timeout to 10 s; refuse it rather than run with another value. */
    public static final Duration MIN_DB_IDLE_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The library's longest call timeout (cache and rate limiter, {@code MAX_CALL_TIMEOUT}); written out rather than
     * read from their interfaces, which the launcher could not load without Redisson (a test keeps them equal).
     */
    public static final Duration MAX_REDIS_CALL_TIMEOUT = Duration.ofMinutes(1);
    /** The message of a missing {@code GRACE_DB_URL} starts so (the launcher starts an embedded database instead). */
    public static final String DB_URL_NOT_SET = "GRACE_DB_URL is not set";

    /** Where values come from: the property name in, the raw value (if any) out. */
    @FunctionalInterface
    public interface Source {
        Optional<String> value(String property);

        /**
         * Values from environment variables, found under the name MicroProfile Config gives a property there
         * ({@code grace.auth.access-ttl}: {@code GRACE_AUTH_ACCESS_TTL}).
         */
        static Source environment(Map<String, String> env) {
            return property -> Optional.ofNullable(env.get(environmentName(property)));
        }
    }

    private final Source source;

    public Settings(Source source) {
        this.source = source;
    }

    /** For CDI proxies of a subclass only. */
    protected Settings() {
        this.source = null;
    }

    /** The environment variable of {@code property}: upper case, every other character than A-Z and 0-9 as {@code _}. */
    public static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    public PostgresUrl dbUrl() {
        String raw = source.value("grace.db.url")
                .orElseThrow(() -> new InvalidSettingException(DB_URL_NOT_SET + "; expected "
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
        Optional<String> raw = source.value("grace.redis.url").filter(s -> !s.isBlank());
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
        return atLeast(duration("grace.db.pool.idle-timeout", "GRACE_DB_POOL_IDLE_TIMEOUT", DEFAULT_DB_IDLE_TIMEOUT),
                MIN_DB_IDLE_TIMEOUT, "GRACE_DB_POOL_IDLE_TIMEOUT", "the connection pool's shortest idle timeout");
    }

    public Duration dbConnectionTimeout() {
        return atLeast(duration("grace.db.pool.connection-timeout", "GRACE_DB_POOL_CONNECTION_TIMEOUT",
                DEFAULT_DB_CONNECTION_TIMEOUT), MIN_DB_CONNECTION_TIMEOUT, "GRACE_DB_POOL_CONNECTION_TIMEOUT",
                "the connection pool's shortest wait");
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
        return source.value("grace.auth.signing-key").filter(s -> !s.isBlank());
    }

    /** {@code kid} of the signing key; empty means its RFC 7638 thumbprint. */
    public Optional<String> authSigningKeyId() {
        return source.value("grace.auth.signing-key-id").filter(s -> !s.isBlank());
    }

    /** PEM public key still accepted during a rotation (the key that signed until now); empty outside rotations. */
    public Optional<String> authPreviousPublicKey() {
        return source.value("grace.auth.previous-public-key").filter(s -> !s.isBlank());
    }

    public Optional<String> authPreviousKeyId() {
        return source.value("grace.auth.previous-key-id").filter(s -> !s.isBlank());
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
        return source.value("grace.setup.token").filter(s -> !s.isBlank());
    }

    public int rateLimitLoginPerMinute() {
        return perMinuteLimit("grace.ratelimit.login-per-minute", "GRACE_RATELIMIT_LOGIN_PER_MINUTE",
                DEFAULT_RATELIMIT_LOGIN_PER_MINUTE);
    }

    public int rateLimitApiPerMinute() {
        return perMinuteLimit("grace.ratelimit.api-per-minute", "GRACE_RATELIMIT_API_PER_MINUTE",
                DEFAULT_RATELIMIT_API_PER_MINUTE);
    }

    /** Most permits of one user's API limit leased at once; 1 turns leasing off (every call asks Redis). */
    public int rateLimitApiLease() {
        return atMost(positive("grace.ratelimit.api-lease", "GRACE_RATELIMIT_API_LEASE", DEFAULT_RATELIMIT_API_LEASE),
                1000, "GRACE_RATELIMIT_API_LEASE");
    }

    public int rateLimitIngestDevicePerMinute() {
        return perMinuteLimit("grace.ratelimit.ingest-device-per-minute", "GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE",
                DEFAULT_RATELIMIT_INGEST_DEVICE_PER_MINUTE);
    }

    public int rateLimitIngestResidentPerMinute() {
        return perMinuteLimit("grace.ratelimit.ingest-resident-per-minute",
                "GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE", DEFAULT_RATELIMIT_INGEST_RESIDENT_PER_MINUTE);
    }

    /** The detector confidence from which an incident is recorded: above 0, at most 1. */
    public double detectionMinConfidence() {
        String raw = string("grace.detection.min-confidence", "").trim();
        if (raw.isEmpty()) {
            return DEFAULT_DETECTION_MIN_CONFIDENCE;
        }
        try {
            double value = Double.parseDouble(raw);
            if (value > 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidSettingException("GRACE_DETECTION_MIN_CONFIDENCE must be a number above 0 and at most 1, "
                + "got '" + raw + "'");
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
        Duration value = duration("grace.redis.call-timeout", "GRACE_REDIS_CALL_TIMEOUT", DEFAULT_REDIS_CALL_TIMEOUT);
        if (value.compareTo(MAX_REDIS_CALL_TIMEOUT) > 0) {
            throw new InvalidSettingException("GRACE_REDIS_CALL_TIMEOUT must be at most " + MAX_REDIS_CALL_TIMEOUT
                    + " (the library's longest call timeout), got " + value);
        }
        return value;
    }

    /** How long a stopping instance keeps serving, readiness 503, before the application stops; {@code 0s} for none. */
    public Duration shutdownDrain() {
        return durationUpTo("grace.shutdown.drain", "GRACE_SHUTDOWN_DRAIN", DEFAULT_SHUTDOWN_DRAIN,
                MAX_SHUTDOWN_DRAIN, "the stop has 30 s in all");
    }

    /**
     * The longest an instance spends warming its hot paths before it reports ready ({@code GRACE_WARMUP}); 0s
     * reports ready at once, cold.
     */
    public Duration warmUp() {
        return durationUpTo("grace.warmup", "GRACE_WARMUP", DEFAULT_WARMUP, MAX_WARMUP,
                "an instance not ready that long is better restarted");
    }

    /**
     * The port this instance's HTTP listener is on, as the launcher tells it ({@code -Dgrace.http.port}); empty when
     * started some other way. The warm-up sends its requests there.
     */
    public java.util.OptionalInt httpPort() {
        int port = integer("grace.http.port", "grace.http.port", 0, 0, 65535);
        return port == 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(port);
    }

    /** A duration from 0 to {@code max}, {@code defaultValue} when unset; out of range names {@code why} the bound. */
    private Duration durationUpTo(String name, String envName, Duration defaultValue, Duration max, String why) {
        Optional<String> raw = source.value(name).filter(v -> !v.isBlank());
        if (raw.isEmpty()) {
            return defaultValue;
        }
        Duration value;
        try {
            value = parseDuration(raw.get().trim());
        } catch (RuntimeException e) {
            throw new InvalidSettingException(envName + " is not a duration: '" + raw.get()
                    + "' (write e.g. 0s, 500ms, 5s or PT5S)");
        }
        if (value.isNegative() || value.compareTo(max) > 0) {
            throw new InvalidSettingException(envName + " must be from 0s to " + max.toSeconds() + "s (" + why
                    + "), got " + raw.get());
        }
        return value;
    }

    /** How often an open live stream gets a heartbeat comment, so proxies never cut it while idle. */
    public Duration streamHeartbeat() {
        Duration value = duration("grace.stream.heartbeat", "GRACE_STREAM_HEARTBEAT", DEFAULT_STREAM_HEARTBEAT);
        if (value.compareTo(MIN_STREAM_HEARTBEAT) < 0 || value.compareTo(MAX_STREAM_HEARTBEAT) > 0) {
            throw new InvalidSettingException("GRACE_STREAM_HEARTBEAT must be between 1s and 5m, got "
                    + value.toMillis() + " ms");
        }
        return value;
    }

    /** Open live streams this instance accepts; above it a new stream is refused with 503 and Retry-After. */
    public int streamMaxConnections() {
        return atMost(positive("grace.stream.max-connections", "GRACE_STREAM_MAX_CONNECTIONS",
                DEFAULT_STREAM_MAX_CONNECTIONS), MAX_STREAM_CONNECTIONS, "GRACE_STREAM_MAX_CONNECTIONS");
    }

    /** Open live streams of one user this instance accepts; above it a new one is refused with 429. */
    public int streamMaxPerUser() {
        return atMost(positive("grace.stream.max-per-user", "GRACE_STREAM_MAX_PER_USER", DEFAULT_STREAM_MAX_PER_USER),
                streamMaxConnections(), "GRACE_STREAM_MAX_PER_USER (at most GRACE_STREAM_MAX_CONNECTIONS)");
    }

    /** Whether this instance runs the job workers (every instance can enqueue). */
    public boolean jobsWorker() {
        return bool("grace.jobs.worker", "GRACE_JOBS_WORKER", true);
    }

    /** Reads every setting once so a bad one fails the deployment at start-up, not at the first request. */
    public void validate() {
        for (Runnable check : checks().values()) {
            check.run();
        }
    }

    /**
     * One line per bad setting, in the order of {@link #validate()}; empty when every setting can be used. (A setting
     * read by another, like {@code GRACE_INSTANCES} by the pool size, is reported once.)
     */
    public List<String> problems() {
        Set<String> problems = new LinkedHashSet<>();
        for (Runnable check : checks().values()) {
            try {
                check.run();
            } catch (InvalidSettingException e) {
                problems.add(e.getMessage());
            }
        }
        return List.copyOf(problems);
    }

    /** Every setting's read, by environment variable. */
    /** Every setting that {@link #validate()} checks, by its environment variable (package-private for the test). */
    Map<String, Runnable> checks() {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("GRACE_DB_URL", this::dbUrl);
        checks.put("GRACE_REDIS_URL", this::redisUrl);
        checks.put("GRACE_INSTANCES", this::instances);
        checks.put("GRACE_DB_POOL_SIZE", this::dbPoolSize);
        checks.put("GRACE_DB_POOL_IDLE_TIMEOUT", this::dbIdleTimeout);
        checks.put("GRACE_DB_POOL_CONNECTION_TIMEOUT", this::dbConnectionTimeout);
        checks.put("GRACE_HEALTH_DB_TIMEOUT", this::healthDbTimeout);
        checks.put("GRACE_HEALTH_REDIS_DEGRADED", this::healthRedisDegraded);
        checks.put("GRACE_AUTH_ISSUER", this::authIssuer);
        checks.put("GRACE_AUTH_AUDIENCE", this::authAudience);
        checks.put("GRACE_AUTH_ACCESS_TTL", this::authAccessTtl);
        checks.put("GRACE_AUTH_REFRESH_TTL", this::authRefreshTtl);
        checks.put("GRACE_AUTH_CLOCK_SKEW", this::authClockSkew);
        checks.put("GRACE_AUTH_COOKIE_SECURE", this::authCookieSecure);
        checks.put("GRACE_AUTH_PBKDF2_ITERATIONS", this::authPbkdf2Iterations);
        checks.put("GRACE_RATELIMIT_LOGIN_PER_MINUTE", this::rateLimitLoginPerMinute);
        checks.put("GRACE_RATELIMIT_API_PER_MINUTE", this::rateLimitApiPerMinute);
        checks.put("GRACE_RATELIMIT_API_LEASE", this::rateLimitApiLease);
        checks.put("GRACE_RATELIMIT_INGEST_DEVICE_PER_MINUTE", this::rateLimitIngestDevicePerMinute);
        checks.put("GRACE_RATELIMIT_INGEST_RESIDENT_PER_MINUTE", this::rateLimitIngestResidentPerMinute);
        checks.put("GRACE_DETECTION_MIN_CONFIDENCE", this::detectionMinConfidence);
        checks.put("GRACE_HTTP_TRUSTED_PROXIES", this::trustedProxies);
        checks.put("GRACE_HTTP_MAX_BODY_BYTES", this::httpMaxBodyBytes);
        checks.put("GRACE_HTTP_GZIP_MIN_BYTES", this::httpGzipMinBytes);
        checks.put("GRACE_JOBS_WORKER", this::jobsWorker);
        checks.put("GRACE_REDIS_CALL_TIMEOUT", this::redisCallTimeout);
        checks.put("GRACE_SHUTDOWN_DRAIN", this::shutdownDrain);
        checks.put("GRACE_WARMUP", this::warmUp);
        checks.put("GRACE_STREAM_HEARTBEAT", this::streamHeartbeat);
        checks.put("GRACE_STREAM_MAX_CONNECTIONS", this::streamMaxConnections);
        checks.put("GRACE_STREAM_MAX_PER_USER", this::streamMaxPerUser);
        return checks;
    }

    /**
     * A per-minute limit the rate limiter accepts, for the shared limit and for this instance's share of it (the
     * fallback while Redis is away): its bounds are the library's ({@link Limit}), checked here so a value outside
     * them stops start-up instead of failing every sign-in.
     */
    private int perMinuteLimit(String name, String envName, int defaultValue) {
        int value = positive(name, envName, defaultValue);
        try {
            Limit.perMinute(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException(envName + " is " + value + ", more than the rate limiter accepts: "
                    + e.getMessage());
        }
        return value;
    }

    private static int atMost(int value, int maximum, String what) {
        if (value > maximum) {
            throw new InvalidSettingException(what.split(" ")[0] + " must be at most " + maximum + ", got " + value);
        }
        return value;
    }

    private static Duration atLeast(Duration value, Duration minimum, String envName, String what) {
        if (value.compareTo(minimum) < 0) {
            throw new InvalidSettingException(envName + " must be at least " + minimum.toMillis() + " ms (" + what
                    + "), got " + value.toMillis() + " ms");
        }
        return value;
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
        Optional<String> raw = source.value(name).filter(s -> !s.isBlank());
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
        return source.value(name).orElse(defaultValue);
    }

    public int integer(String name, String envName, int defaultValue) {
        Optional<String> raw = source.value(name);
        if (raw.isEmpty() || raw.get().isBlank()) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(raw.get().trim());
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(envName + " is not a whole number: '" + raw.get() + "'");
        }
    }

    /** A whole number from {@code min} to {@code max}; outside them, the one line {@code ENV must be min-max, got v}. */
    public int integer(String name, String envName, int defaultValue, int min, int max) {
        int value = integer(name, envName, defaultValue);
        if (value < min || value > max) {
            throw new InvalidSettingException(envName + " must be " + min + "-" + max + ", got " + value);
        }
        return value;
    }

    /** A duration written as ISO-8601 ({@code PT30S}) or as a number with a unit: {@code 500ms}, {@code 30s}, {@code 5m}. */
    public Duration duration(String name, String envName, Duration defaultValue) {
        Optional<String> raw = source.value(name);
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

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

    static Duration parseDuration(String s) {
        if (s.startsWith("P") || s.startsWith("p")) {
            return Duration.parse(s.toUpperCase());
        }
        Matcher m = DURATION.matcher(s);
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
