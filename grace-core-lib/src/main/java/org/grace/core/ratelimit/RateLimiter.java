package org.grace.core.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Admits or denies requests per key under one {@link RateLimitPolicy}, exactly across every instance that shares
 * the Redis. Built with {@link RateLimiters#builder()}; thread-safe; cheap to hold many of.
 *
 * <p>No call throws because Redis is down: while it cannot be reached the limiter decides by its
 * {@link FallbackPolicy}. Bad input (a null, empty or over-long key, permits out of range) is an
 * {@link IllegalArgumentException}, thrown by the call itself, also by the asynchronous one.
 */
public interface RateLimiter {
    /** Longest key in UTF-8 bytes: keys are user input (IPs, account names); longer ones are abuse, not users. */
    int MAX_KEY_BYTES = 1024;

    /** Takes one permit for {@code key} if every limit admits it. */
    default RateLimitDecision tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /**
     * Takes {@code permits} for {@code key} if every limit admits them all; takes nothing otherwise. Blocks for the
     * round trip to Redis; on one of Redisson's own I/O threads (inside a Redisson callback), where it could wait for
     * itself, it throws {@link IllegalStateException} instead: use {@link #tryAcquireAsync} there.
     */
    RateLimitDecision tryAcquire(String key, long permits);

    /** {@link #tryAcquire(String)} without blocking the caller; never completes exceptionally. */
    default CompletionStage<RateLimitDecision> tryAcquireAsync(String key) {
        return tryAcquireAsync(key, 1);
    }

    /** {@link #tryAcquire(String, long)} without blocking the caller; never completes exceptionally. */
    CompletionStage<RateLimitDecision> tryAcquireAsync(String key, long permits);

    /** The policy this limiter enforces. */
    RateLimitPolicy policy();
}
