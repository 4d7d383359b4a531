package org.grace.webapp.redis;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.grace.core.cache.GraceCache;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.webapp.config.GraceSettings;
import org.grace.webapp.metrics.GraceMetrics;
import org.redisson.api.RedissonClient;

/**
 * Every Redis call a request waits for, behind MicroProfile Fault Tolerance: a {@code @Timeout} of
 * {@link GraceSettings#REDIS_CALL_TIMEOUT_MILLIS} ms, a {@code @CircuitBreaker} that stops calling a Redis that
 * keeps failing (and lets one trial call through every few seconds to notice its return), and a {@code @Fallback}
 * that answers without Redis. So a slow or dead Redis costs a request about 50 ms at most, usually nothing.
 *
 * <p>The library features have fallbacks of their own, but they only switch after a Redis command has failed,
 * which with Redisson's timeout takes hundreds of milliseconds; this guard bounds that first failure too. Breaker
 * state is per instance (per JVM), as MP FT keeps it.
 */
@ApplicationScoped
public class RedisGuard {
    /** Key prefix of access tokens denied by logout: the value is irrelevant, the key expires with the token. */
    public static final String REVOKED_PREFIX = "grace:auth:revoked:";

    @Inject
    RedisConnection redis;
    @Inject
    GraceMetrics metrics;

    /** Whether logout denied this {@code jti}; null when Redis could not say (the caller asks PostgreSQL). */
    @Timeout(GraceSettings.REDIS_CALL_TIMEOUT_MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "revocationUnknown")
    public Boolean isRevoked(String jti) {
        RedissonClient client = client();
        long start = System.nanoTime();
        boolean exists = client.getBucket(REVOKED_PREFIX + jti).isExists();
        metrics.redisCall(System.nanoTime() - start);
        return exists;
    }

    Boolean revocationUnknown(String jti) {
        metrics.redisFallback("revocation-check");
        return null;
    }

    /** Records a denied {@code jti} until {@code ttl}; false when Redis did not take it (PostgreSQL has it anyway). */
    @Timeout(GraceSettings.REDIS_CALL_TIMEOUT_MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "revocationNotStored")
    public boolean revoke(String jti, Duration ttl) {
        RedissonClient client = client();
        long start = System.nanoTime();
        client.getBucket(REVOKED_PREFIX + jti).set("1", ttl);
        metrics.redisCall(System.nanoTime() - start);
        return true;
    }

    boolean revocationNotStored(String jti, Duration ttl) {
        metrics.redisFallback("revocation-store");
        return false;
    }

    /** A decision of the shared (Redis) limiter, or of {@code local}, this instance's share, when Redis is slow. */
    @Timeout(GraceSettings.REDIS_CALL_TIMEOUT_MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "acquireLocally")
    public RateLimitDecision acquire(RateLimiter shared, RateLimiter local, String key) {
        return shared.tryAcquire(key);
    }

    RateLimitDecision acquireLocally(RateLimiter shared, RateLimiter local, String key) {
        metrics.redisFallback("ratelimit");
        return local.tryAcquire(key);
    }

    /** A cached value; empty on a miss and when Redis is slow (the caller then loads from PostgreSQL). */
    @Timeout(GraceSettings.REDIS_CALL_TIMEOUT_MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "cacheUnavailable")
    public <T> Optional<T> cacheGet(GraceCache cache, String key, Class<T> type) {
        return cache.get(key, type);
    }

    <T> Optional<T> cacheUnavailable(GraceCache cache, String key, Class<T> type) {
        metrics.redisFallback("cache-get");
        return Optional.empty();
    }

    @Timeout(GraceSettings.REDIS_CALL_TIMEOUT_MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "cachePutSkipped")
    public void cachePut(GraceCache cache, String key, Object value, Duration ttl) {
        cache.put(key, value, ttl);
    }

    void cachePutSkipped(GraceCache cache, String key, Object value, Duration ttl) {
        metrics.redisFallback("cache-put");
    }

    @Timeout(GraceSettings.REDIS_CALL_TIMEOUT_MILLIS)
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1)
    @Fallback(fallbackMethod = "cacheDeleteSkipped")
    public void cacheDelete(GraceCache cache, String key) {
        cache.delete(key);
    }

    void cacheDeleteSkipped(GraceCache cache, String key) {
        metrics.redisFallback("cache-delete");
    }

    private RedissonClient client() {
        return redis.client().orElseThrow(() -> new IllegalStateException("Redis is not configured"));
    }
}
