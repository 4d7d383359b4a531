package org.grace.webapp.redis;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.grace.core.redis.RedisAvailability;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.settings.GraceSettings;

/**
 * Every Redis call a request waits for, bounded: the call is made asynchronously and waited for at most
 * {@code GRACE_REDIS_CALL_TIMEOUT} (50 ms); past it, or when the call fails, the caller's fallback answers. So a slow
 * or dead Redis costs a request about 50 ms at most, usually nothing.
 *
 * <p>One mechanism decides when not to call Redis at all: a down flag. The first failure or slow answer sets it
 * (so does a lost connection, heard from the client), every guarded call then goes straight to its fallback, and a
 * background thread PINGs Redis every half second; the first answer clears the flag and tells the library
 * features' shared {@link RedisAvailability} at once. A request pays the timeout at most once per outage, never as
 * a probe. (This replaces six MicroProfile Fault Tolerance circuit breakers that could hardly open: the flag
 * answered first, and skipped calls did not count as failures.)
 *
 * <p>Why not MP FT's {@code @Timeout}: on a synchronous method Payara enforces it by interrupting the request
 * thread, and in the multi-instance test the interrupt outlived the call on the pooled HTTP thread: later calls on
 * that thread failed at once with "TimeoutException: Computation already concluded in a concurrent attempt". Waiting
 * on a future with a deadline bounds the time the same way and never interrupts a container thread.
 *
 * <p>The flag is per instance: on busy cores a single slow answer can send requests to their fallbacks for one
 * probe interval (half a second); that is the price of never holding a request longer than the timeout.
 */
@ApplicationScoped
public class RedisGuard {
    private static final Logger LOG = Logger.getLogger(RedisGuard.class.getName());
    /** How often a Redis known to be down is PINGed from the background. */
    static final long PROBE_INTERVAL_MILLIS = 500;
    /** Threads for library calls that block (the cache): a hung Redis must not collect every request's call. */
    static final int BLOCKING_THREADS = 8;
    /** Blocking calls that may wait for a thread; more are answered by their fallback at once. */
    static final int BLOCKING_QUEUE = 64;

    @Inject
    RedisConnection redis;
    @Inject
    GraceMetrics metrics;
    @Inject
    GraceSettings settings;

    private final AtomicBoolean down = new AtomicBoolean();
    private long timeoutMillis;
    private ScheduledExecutorService prober;
    private ThreadPoolExecutor blockingCalls;

    /**
     * Redis's answer to an asynchronous call, or {@code fallback}'s when Redis is known down, the call fails, or it
     * does not answer within the call timeout. {@code operation} names the call in the fallback metric.
     */
    public <T> T call(String operation, Supplier<? extends CompletionStage<T>> redisCall, Supplier<T> fallback) {
        if (down.get()) {
            return skipped(operation, fallback);
        }
        try {
            return bounded(redisCall.get());
        } catch (RuntimeException e) {
            return failed(operation, fallback);
        }
    }

    /**
     * As {@link #call}, for a library call that blocks (the cache has no asynchronous API): it runs on one of a few
     * threads of this guard, so the caller can stop waiting; when they are all busy, the fallback answers at once.
     */
    public <T> T callBlocking(String operation, Supplier<T> redisCall, Supplier<T> fallback) {
        if (down.get()) {
            return skipped(operation, fallback);
        }
        return attemptBlocking(operation, redisCall, fallback);
    }

    /**
     * As {@link #callBlocking}, but tried even while Redis is known down: for writes other instances must hear
     * (invalidations), which the library itself remembers and replays when its Redis call fails.
     */
    public <T> T attemptBlocking(String operation, Supplier<T> redisCall, Supplier<T> fallback) {
        try {
            return bounded(offload(redisCall));
        } catch (RuntimeException e) {
            return failed(operation, fallback);
        }
    }

    /** Whether guarded calls currently skip Redis. */
    public boolean isDown() {
        return down.get();
    }

    /**
     * Starts the thread of the blocking calls before traffic: its first start takes longer than the deadline and
     * would otherwise send the first request to its fallback. The callers warm their own first calls.
     */
    public void warmUp() {
        try {
            bounded(offload(() -> null));
        } catch (RuntimeException e) {
            LOG.info("grace: Redis call warm-up skipped: " + e.getMessage());
        }
    }

    /** Hears lost Redis connections, so the first request after Redis went away does not wait for it either. */
    @PostConstruct
    void listenForDisconnects() {
        redis.onDisconnect(() -> markDown("lost the connection to Redis"));
    }

    private <T> T skipped(String operation, Supplier<T> fallback) {
        metrics.redisFallback(operation);
        return fallback.get();
    }

    private <T> T failed(String operation, Supplier<T> fallback) {
        metrics.redisFallback(operation);
        markDown("Redis did not answer a " + operation + " call within " + timeoutMillis() + " ms");
        return fallback.get();
    }

    /** Waits for {@code stage} at most the Redis call timeout, without interrupting anything. */
    private <T> T bounded(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(timeoutMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer from Redis within the call timeout");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Redis");
        }
    }

    private <T> CompletableFuture<T> offload(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, blockingCalls());
    }

    private synchronized ExecutorService blockingCalls() {
        if (blockingCalls == null) {
            blockingCalls = new ThreadPoolExecutor(BLOCKING_THREADS, BLOCKING_THREADS, 30, TimeUnit.SECONDS,
                    new ArrayBlockingQueue<>(BLOCKING_QUEUE), r -> {
                        Thread t = new Thread(r, "grace-redis-call");
                        t.setDaemon(true);
                        return t;
                    }, new ThreadPoolExecutor.AbortPolicy());
            blockingCalls.allowCoreThreadTimeOut(true);
        }
        return blockingCalls;
    }

    private long timeoutMillis() {
        if (timeoutMillis == 0) {
            timeoutMillis = settings.redisCallTimeout().toMillis();
        }
        return timeoutMillis;
    }

    /**
     * Redis failed or was too slow: every guarded call goes straight to its fallback from now on, and a background
     * thread PINGs Redis every half second until it answers.
     */
    private void markDown(String why) {
        if (!down.compareAndSet(false, true)) {
            return;
        }
        LOG.warning("grace: " + why + ": requests use their fallbacks until Redis answers a PING");
        synchronized (this) {
            if (prober == null) {
                prober = Executors.newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "grace-redis-probe");
                    t.setDaemon(true);
                    return t;
                });
            }
            prober.schedule(this::probe, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void probe() {
        boolean answered;
        try {
            answered = redis.ping(Duration.ofMillis(Math.max(200, timeoutMillis()))).isPresent();
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
                    prober.schedule(this::probe, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @PreDestroy
    synchronized void close() {
        if (blockingCalls != null) {
            blockingCalls.shutdownNow();
        }
        if (prober != null) {
            prober.shutdownNow();
        }
    }
}
