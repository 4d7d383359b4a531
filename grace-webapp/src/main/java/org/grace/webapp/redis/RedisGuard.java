package org.grace.webapp.redis;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Fallback;
import org.grace.core.cache.GraceCache;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.core.redis.RedisAvailability;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.settings.GraceSettings;
import org.redisson.api.RedissonClient;

/**
 * Every Redis call a request waits for, bounded and guarded: the call is made asynchronously and waited for at most
 * {@code GRACE_REDIS_CALL_TIMEOUT} (50 ms); MicroProfile Fault Tolerance adds a {@code @CircuitBreaker}
 * that stops calling a Redis that keeps failing (and lets a trial call through every few seconds to notice its
 * return) and a {@code @Fallback} that answers without Redis. So a slow or dead Redis costs a request about 50 ms
 * at most, usually nothing.
 *
 * <p>Why not MP FT's {@code @Timeout}: on a synchronous method Payara enforces it by interrupting the request
 * thread, and in the multi-instance test the interrupt outlived the call on the pooled HTTP thread: later guarded
 * calls on that thread failed at once with "TimeoutException: Computation already concluded in a concurrent
 * attempt", escaping the fallback as a 500. Waiting on a future with a deadline bounds the time the same way and
 * never interrupts a container thread.
 *
 * <p>The library features have fallbacks of their own, but they only switch after a Redis command has failed,
 * which with Redisson's timeout takes hundreds of milliseconds, and then probe Redis from a caller's thread. This
 * guard bounds the first failure, and after it sends every guarded call straight to its fallback while a
 * background thread PINGs Redis every half second; the first answer brings every call back. So a request pays
 * the timeout at most once per outage, never as a probe; the library features' shared {@link RedisAvailability} is
 * told at once when Redis answers again. Breaker state is per instance (per JVM), as MP FT keeps it.
 */
@ApplicationScoped
public class RedisGuard {
    /** Key prefix of access tokens denied by logout: the value is irrelevant, the key expires with the token. */
    public static final String REVOKED_PREFIX = "grace:auth:revoked:";

    @Inject
    RedisConnection redis;
    @Inject
    GraceMetrics metrics;
    @Inject
    GraceSettings settings;

    private long timeoutMillis;
    /** How often a Redis known to be down is PINGed from the background. */
    static final long PROBE_INTERVAL_MILLIS = 500;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(RedisGuard.class.getName());
    private final java.util.concurrent.atomic.AtomicBoolean down = new java.util.concurrent.atomic.AtomicBoolean();
    private java.util.concurrent.ScheduledExecutorService prober;

    private long timeoutMillis() {
        if (timeoutMillis == 0) {
            timeoutMillis = settings.redisCallTimeout().toMillis();
        }
        return timeoutMillis;
    }

    /**
     * Marks a complete denial list: written after the list was loaded from PostgreSQL. A Redis that restarted
     * without its data (or was flushed) lacks it, and then its "not denied" answers are not believed.
     */
    public static final String REVOKED_COMPLETE = "grace:auth:revoked-complete";
    /** One round trip: -1 when the list is not known complete, else 1 or 0 for the key. */
    private static final String CHECK = "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end "
            + "return redis.call('EXISTS', KEYS[2])";

    /**
     * Whether logout denied this {@code jti}: 1 yes, 0 no, -1 Redis answered but lost the list (restarted without
     * its data; the caller asks PostgreSQL and reloads Redis), null Redis did not answer in time.
     */
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RedisSkippedException.class)
    @Fallback(fallbackMethod = "revocationUnknown")
    public Integer isRevoked(String jti) {
        Long answer = call(client -> client.getScript(org.redisson.client.codec.StringCodec.INSTANCE).<Long>evalAsync(
                org.redisson.api.RScript.Mode.READ_ONLY, CHECK, org.redisson.api.RScript.ReturnType.INTEGER,
                java.util.List.of(REVOKED_COMPLETE, REVOKED_PREFIX + jti)));
        return answer == null ? null : answer.intValue();
    }

    /** Loads a complete denial list into Redis (not guarded: runs in the background, not in a request). */
    public void reload(java.util.Map<String, java.time.Instant> denied) {
        RedissonClient client = client();
        java.time.Instant now = java.time.Instant.now();
        denied.forEach((jti, expires) -> {
            Duration ttl = Duration.between(now, expires);
            if (!ttl.isNegative() && !ttl.isZero()) {
                client.getBucket(REVOKED_PREFIX + jti).set("1", ttl);
            }
        });
        client.getBucket(REVOKED_COMPLETE).set("1");
    }

    Integer revocationUnknown(String jti) {
        failed("revocation-check");
        return null;
    }

    /** Records a denied {@code jti} until {@code ttl}; false when Redis did not take it (PostgreSQL has it anyway). */
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RedisSkippedException.class)
    @Fallback(fallbackMethod = "revocationNotStored")
    public boolean revoke(String jti, Duration ttl) {
        call(client -> client.getBucket(REVOKED_PREFIX + jti).setAsync("1", ttl));
        return true;
    }

    boolean revocationNotStored(String jti, Duration ttl) {
        failed("revocation-store");
        return false;
    }

    /** A decision of the shared (Redis) limiter, or of {@code local}, this instance's share, when Redis is slow. */
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RedisSkippedException.class)
    @Fallback(fallbackMethod = "acquireLocally")
    public RateLimitDecision acquire(RateLimiter shared, RateLimiter local, String key) {
        // The limiter measures and reports its own Redis calls (and falls back by itself once Redis is known down).
        skipWhileDown();
        return bounded(shared.tryAcquireAsync(key));
    }

    RateLimitDecision acquireLocally(RateLimiter shared, RateLimiter local, String key) {
        failed("ratelimit");
        return local.tryAcquire(key);
    }

    /** A cached value; empty on a miss and when Redis is slow (the caller then loads from PostgreSQL). */
    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RedisSkippedException.class)
    @Fallback(fallbackMethod = "cacheUnavailable")
    public <T> Optional<T> cacheGet(GraceCache cache, String key, Class<T> type) {
        skipWhileDown();
        return bounded(offload(() -> cache.get(key, type)));
    }

    <T> Optional<T> cacheUnavailable(GraceCache cache, String key, Class<T> type) {
        failed("cache-get");
        return Optional.empty();
    }

    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RedisSkippedException.class)
    @Fallback(fallbackMethod = "cachePutSkipped")
    public void cachePut(GraceCache cache, String key, Object value, Duration ttl) {
        skipWhileDown();
        bounded(offload(() -> {
            cache.put(key, value, ttl);
            return null;
        }));
    }

    void cachePutSkipped(GraceCache cache, String key, Object value, Duration ttl) {
        failed("cache-put");
    }

    @CircuitBreaker(requestVolumeThreshold = 4, failureRatio = 0.5, delay = 5000, successThreshold = 1,
            skipOn = RedisSkippedException.class)
    @Fallback(fallbackMethod = "cacheDeleteSkipped")
    public void cacheDelete(GraceCache cache, String key) {
        bounded(offload(() -> {
            cache.delete(key);
            return null;
        }));
    }

    void cacheDeleteSkipped(GraceCache cache, String key) {
        failed("cache-delete");
    }

    private RedissonClient client() {
        return redis.client().orElseThrow(() -> new IllegalStateException("Redis is not configured"));
    }

    /** A Redis call of this class: skipped while Redis is known down, bounded, measured. */
    private <T> T call(java.util.function.Function<RedissonClient, org.redisson.api.RFuture<T>> redisCall) {
        skipWhileDown();
        long start = System.nanoTime();
        T result = bounded(redisCall.apply(client()));
        metrics.redisCall(System.nanoTime() - start);
        return result;
    }

    private void skipWhileDown() {
        if (down.get()) {
            throw new RedisSkippedException();
        }
    }

    /**
     * Redis failed or was too slow: every guarded call goes straight to its fallback from now on, and a background
     * thread PINGs Redis every half second until it answers. So no request ever waits on a Redis that is known to
     * be gone (not even as a probe), and the first answer brings every call back.
     */
    private void markDown(String why) {
        if (!down.compareAndSet(false, true)) {
            return;
        }
        LOG.warning("grace: " + why + ": requests use their fallbacks until Redis answers a PING");
        synchronized (this) {
            if (prober == null) {
                prober = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "grace-redis-probe");
                    t.setDaemon(true);
                    return t;
                });
            }
            prober.schedule(this::probe, PROBE_INTERVAL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private void probe() {
        boolean answered;
        try {
            answered = redis.ping(java.time.Duration.ofMillis(Math.max(200, timeoutMillis()))).isPresent();
        } catch (RuntimeException e) {
            answered = false;
        }
        if (answered) {
            down.set(false);
            LOG.info("grace: Redis answers again: requests use it again");
            // The library features probe on their own; tell them at once so the first request does not have to.
            redis.availability().ifPresent(RedisAvailability::recordSuccess);
        } else {
            synchronized (this) {
                if (prober != null && !prober.isShutdown()) {
                    prober.schedule(this::probe, PROBE_INTERVAL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    /** Whether guarded calls currently skip Redis. */
    public boolean isDown() {
        return down.get();
    }

    /** Waits for {@code stage} at most the Redis call timeout, without interrupting anything. */
    private <T> T bounded(java.util.concurrent.CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(timeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new RedisTimeoutException();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis");
        }
    }

    /** Runs a synchronous library call (the cache has no asynchronous API) where the caller can stop waiting. */
    private <T> java.util.concurrent.CompletableFuture<T> offload(java.util.function.Supplier<T> work) {
        try {
            return java.util.concurrent.CompletableFuture.supplyAsync(work, cacheCalls());
        } catch (java.util.concurrent.RejectedExecutionException busy) {
            throw new RedisTimeoutException();
        }
    }

    private java.util.concurrent.ThreadPoolExecutor cacheCalls;

    /** Up to 8 threads, 64 queued: a hung Redis must not collect every request's cache call. */
    private synchronized java.util.concurrent.ExecutorService cacheCalls() {
        if (cacheCalls == null) {
            cacheCalls = new java.util.concurrent.ThreadPoolExecutor(8, 8, 30, java.util.concurrent.TimeUnit.SECONDS,
                    new java.util.concurrent.ArrayBlockingQueue<>(64), r -> {
                        Thread t = new Thread(r, "grace-cache-call");
                        t.setDaemon(true);
                        return t;
                    }, new java.util.concurrent.ThreadPoolExecutor.AbortPolicy());
            cacheCalls.allowCoreThreadTimeOut(true);
        }
        return cacheCalls;
    }

    @jakarta.annotation.PreDestroy
    synchronized void close() {
        if (cacheCalls != null) {
            cacheCalls.shutdownNow();
        }
        if (prober != null) {
            prober.shutdownNow();
        }
    }

    /**
     * A fallback ran: the call failed, timed out, was skipped or met an open breaker. The rest of this request and
     * the next ones skip Redis until the background probe hears it again. On busy cores a single slow answer can
     * switch requests to their fallbacks for one probe interval (half a second); that is the price of never
     * holding a request longer than the timeout.
     */
    private void failed(String operation) {
        metrics.redisFallback(operation);
        markDown("Redis did not answer a " + operation + " call within " + timeoutMillis() + " ms");
    }

    /**
     * Records a denial for a logout, outside the request-latency rules: a logout can wait for Redisson's own
     * command timeout (half a second) rather than skip Redis because a read was slow a moment ago, since another
     * instance asking Redis would otherwise still accept the token. False when Redis did not take it.
     */
    public boolean revokeNow(String jti, Duration ttl) {
        try {
            long start = System.nanoTime();
            client().getBucket(REVOKED_PREFIX + jti).set("1", ttl);
            metrics.redisCall(System.nanoTime() - start);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs the guarded calls of this class once, without a deadline, before traffic: the first script call of a
     * process and the first offloaded call (thread start) take longer than the deadline and would otherwise switch
     * the first requests to their fallbacks. The cache's own first write is warmed by its user.
     */
    public void warmUp() {
        try {
            RedissonClient client = client();
            client.getScript(org.redisson.client.codec.StringCodec.INSTANCE).eval(
                    org.redisson.api.RScript.Mode.READ_ONLY, CHECK, org.redisson.api.RScript.ReturnType.INTEGER,
                    java.util.List.of(REVOKED_COMPLETE, REVOKED_PREFIX + "warm-up"));
            bounded(offload(() -> null));
        } catch (RuntimeException e) {
            LOG.info("grace: Redis warm-up skipped: " + e.getMessage());
        }
    }

    /** Hears lost Redis connections, so the first request after Redis went away does not wait for it either. */
    @jakarta.annotation.PostConstruct
    void listenForDisconnects() {
        redis.onDisconnect(() -> markDown("lost the connection to Redis"));
    }

    /** No answer within the Redis call timeout. */
    static final class RedisTimeoutException extends RuntimeException {
        RedisTimeoutException() {
            super("no answer from Redis within the call timeout", null, false, false);
        }
    }

    /** Redis is known down and this call is not the probe: straight to the fallback, no time spent. */
    static final class RedisSkippedException extends RuntimeException {
        RedisSkippedException() {
            super("Redis known unavailable", null, false, false);
        }
    }
}
