package org.grace.core.ratelimit;

import java.nio.charset.StandardCharsets;

/** Checks of call-time input, shared by the Redis and the in-memory limiter. */
final class Keys {
    private Keys() {
    }

    /** The input of one call of either limiter: the key, then the permits against {@code policy}. */
    static void check(RateLimitPolicy policy, String key, long permits) {
        checkKey(key);
        checkPermits(policy, permits);
    }

    private static void checkKey(String key) {
        if (key == null) {
            throw new IllegalArgumentException("rate limit key must not be null");
        }
        if (key.isEmpty()) {
            throw new IllegalArgumentException("rate limit key must not be empty");
        }
        // A UTF-16 char is at most 3 UTF-8 bytes (a surrogate pair 4 for two chars): short keys skip the encoding.
        if (key.length() * 3 > RateLimiter.MAX_KEY_BYTES) {
            int bytes = key.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > RateLimiter.MAX_KEY_BYTES) {
                throw new IllegalArgumentException("rate limit key is " + bytes + " bytes in UTF-8; at most "
                        + RateLimiter.MAX_KEY_BYTES + " allowed");
            }
        }
    }

    private static void checkPermits(RateLimitPolicy policy, long permits) {
        if (permits <= 0 || permits > policy.maxPermits()) {
            throw new IllegalArgumentException("permits must be between 1 and " + policy.maxPermits()
                    + " (the smallest capacity of policy '" + policy.name() + "'), got " + permits);
        }
    }
}
