package org.grace.core.ratelimit;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.grace.core.redis.RedisAvailability;
import org.redisson.api.RScript;
import org.redisson.client.RedisNoScriptException;

/**
 * The Redis limiter: one {@code EVALSHA} of its policy's {@link RateLimitScript} per decision, so one round trip,
 * with the time taken inside Redis. The script's SHA-1 is computed here rather than loaded: the first call on a
 * fresh Redis (or after a restart or {@code SCRIPT FLUSH}) gets {@code NOSCRIPT} and sends the script once with
 * {@code EVAL}, which also caches it there.
 *
 * <p>Any failure of the call (timeout, refused connection, a Redis in trouble) is reported to the shared
 * {@link RedisAvailability} and answered by the {@link FallbackPolicy}; while Redis is believed down only the
 * availability's periodic probe goes to Redis, so callers do not queue behind a dead connection.
 */
final class RedisRateLimiter implements RateLimiter {
    private static final System.Logger LOG = System.getLogger(RedisRateLimiter.class.getName());

    private final RateLimitPolicy policy;
    private final RScript script;
    private final String keyPrefix;
    private final RateLimitScript lua;
    private final RedisAvailability availability;
    private final FallbackPolicy fallback;
    private final LocalRateLimiter local;
    private final RateLimitListener listener;
    private final LongSupplier nanoTicker;
    private final AtomicBoolean listenerFailureLogged = new AtomicBoolean();
    /** Ticker time of the last switch back to Redis, {@link #NEVER} before the first. */
    private volatile long backOnRedisAt = NEVER;

    private static final long NEVER = Long.MIN_VALUE;

    RedisRateLimiter(RateLimitPolicy policy, RScript script, String keyPrefix, RedisAvailability availability,
                     FallbackPolicy fallback, LocalRateLimiter local, RateLimitListener listener,
                     LongSupplier nanoTicker) {
        this.policy = policy;
        this.script = script;
        this.keyPrefix = keyPrefix + policy.name() + ":";
        this.lua = RateLimitScript.forPolicy(policy);
        this.availability = availability;
        this.fallback = fallback;
        this.local = local;
        this.listener = listener;
        this.nanoTicker = nanoTicker;
        availability.onTransition(up -> {
            // The local counts are kept: they refill with time like any bucket, so a second outage soon after the
            // first continues where it left off instead of granting a fresh share (and callers racing the switch
            // back never see a cleared, full bucket).
            if (up) {
                backOnRedisAt = nanoTicker.getAsLong();
            }
            try {
                listener.fallbackChanged(policy.name(), !up);
            } catch (RuntimeException e) {
                logListenerFailure(e);
            }
        });
    }

    @Override
    public RateLimitDecision tryAcquire(String key, long permits) {
        // The blocking call uses Redisson's blocking call rather than joining the asynchronous one: one future and
        // one callback fewer per decision.
        Keys.check(key);
        Keys.checkPermits(policy, permits);
        long start = nanoTicker.getAsLong();
        if (!availability.shouldTryRedis()) {
            return report(fallback(key, permits), start);
        }
        String redisKey = keyPrefix + key;
        List<Object> keys = List.of(redisKey);
        Object[] args = {Long.toString(permits)};
        List<Object> reply = null;
        Throwable error = null;
        try {
            reply = script.evalSha(redisKey, RScript.Mode.READ_WRITE, lua.sha, RScript.ReturnType.MULTI,
                    keys, args);
        } catch (RuntimeException e) {
            error = e;
        }
        if (error != null && isNoScript(error)) {
            error = null;
            try {
                reply = script.eval(redisKey, RScript.Mode.READ_WRITE, lua.source,
                        RScript.ReturnType.MULTI, keys, args);
            } catch (RuntimeException e) {
                error = e;
            }
        }
        return report(decide(reply, error, key, permits, start), start);
    }

    @Override
    public CompletionStage<RateLimitDecision> tryAcquireAsync(String key, long permits) {
        Keys.check(key);
        Keys.checkPermits(policy, permits);
        long start = nanoTicker.getAsLong();
        if (!availability.shouldTryRedis()) {
            return CompletableFuture.completedFuture(report(fallback(key, permits), start));
        }
        String redisKey = keyPrefix + key;
        List<Object> keys = List.of(redisKey);
        Object[] args = {Long.toString(permits)};
        CompletableFuture<RateLimitDecision> result = new CompletableFuture<>();
        try {
            script.<List<Object>>evalShaAsync(redisKey, RScript.Mode.READ_WRITE, lua.sha,
                    RScript.ReturnType.MULTI, keys, args).whenComplete((reply, error) -> {
                        if (error != null && isNoScript(error)) {
                            evalScript(redisKey, keys, args, key, permits, start, result);
                        } else {
                            complete(reply, error, key, permits, start, result);
                        }
                    });
        } catch (RuntimeException e) {
            complete(null, e, key, permits, start, result);
        }
        return result;
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    private void evalScript(String redisKey, List<Object> keys, Object[] args, String key, long permits, long start,
                            CompletableFuture<RateLimitDecision> result) {
        try {
            script.<List<Object>>evalAsync(redisKey, RScript.Mode.READ_WRITE, lua.source,
                    RScript.ReturnType.MULTI, keys, args)
                    .whenComplete((reply, error) -> complete(reply, error, key, permits, start, result));
        } catch (RuntimeException e) {
            complete(null, e, key, permits, start, result);
        }
    }

    private void complete(List<Object> reply, Throwable error, String key, long permits, long start,
                          CompletableFuture<RateLimitDecision> result) {
        result.complete(report(decide(reply, error, key, permits, start), start));
    }

    /** Never throws: on the asynchronous path a throw here would leave the caller's stage incomplete forever. */
    private RateLimitDecision decide(List<Object> reply, Throwable error, String key, long permits, long start) {
        if (error == null) {
            try {
                RateLimitDecision decision = fromReply(reply);
                availability.recordSuccess();
                return decision;
            } catch (RuntimeException e) {
                error = new IllegalStateException("unexpected script reply " + reply, e);
            }
        }
        if (isInterrupt(error)) {
            // The caller was interrupted, Redis did not fail: decide locally without declaring an outage.
            Thread.currentThread().interrupt();
        } else if (backOnRedisAt != NEVER && start - backOnRedisAt < 0) {
            // Sent before Redis was found back (it timed out on the dead connection): stale news, not a new outage.
            LOG.log(Level.DEBUG, "grace ratelimit {0}: ignoring a failure of a call sent before Redis returned",
                    policy.name());
        } else {
            availability.recordFailure(error);
        }
        return fallback(key, permits);
    }

    private static boolean isInterrupt(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private RateLimitDecision fromReply(List<Object> reply) {
        if (reply == null || reply.size() != 5) {
            throw new IllegalStateException("expected 5 numbers");
        }
        int binding = (int) number(reply, 1);
        return new RateLimitDecision(number(reply, 0) == 1, policy.limitName(binding),
                policy.limits().get(binding).capacity(), number(reply, 2),
                Duration.ofNanos(number(reply, 3) * 1000), Duration.ofNanos(number(reply, 4) * 1000),
                RateLimitDecision.Source.REDIS);
    }

    private static long number(List<Object> reply, int index) {
        return ((Number) reply.get(index)).longValue();
    }

    private RateLimitDecision fallback(String key, long permits) {
        Limit first = policy.limits().get(0);
        return switch (fallback.mode()) {
            case FAIL_OPEN -> new RateLimitDecision(true, policy.limitName(0), first.capacity(),
                    first.capacity() - permits, Duration.ZERO, Duration.ZERO, RateLimitDecision.Source.FAIL_OPEN);
            case FAIL_CLOSED -> new RateLimitDecision(false, policy.limitName(0), first.capacity(), 0,
                    fallback.retryAfter(), fallback.retryAfter(), RateLimitDecision.Source.FAIL_CLOSED);
            case LOCAL -> local.decide(key, permits);
        };
    }

    private RateLimitDecision report(RateLimitDecision decision, long start) {
        long latency = nanoTicker.getAsLong() - start;
        try {
            if (decision.allowed()) {
                listener.allowed(policy.name(), decision, latency);
            } else {
                listener.denied(policy.name(), decision, latency);
            }
        } catch (RuntimeException e) {
            logListenerFailure(e);
        }
        return decision;
    }

    private void logListenerFailure(RuntimeException e) {
        if (listenerFailureLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "grace ratelimit " + policy.name()
                    + ": listener threw; ignored (logged once)", e);
        }
    }

    static boolean isNoScript(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RedisNoScriptException
                    || (t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT"))) {
                return true;
            }
        }
        return false;
    }
}
