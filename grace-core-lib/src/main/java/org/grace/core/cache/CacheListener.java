package org.grace.core.cache;

import java.time.Duration;

/**
 * Metrics hook: one call per event, on the thread that saw it (a caller, or Redisson's pub/sub thread). Keep the
 * methods cheap and non-blocking; exceptions they throw are swallowed so metrics can never break the cache.
 */
public interface CacheListener {
    CacheListener NONE = new CacheListener() { };

    /** Served from level 1. */
    default void onLocalHit(String key) { }

    /** Served from Redis. */
    default void onRedisHit(String key) { }

    /** Neither level had it. */
    default void onMiss(String key) { }

    /** A {@code getOrLoad} loader ran; {@code failed} if it threw. */
    default void onLoad(String key, Duration took, boolean failed) { }

    /** This instance published an invalidation of {@code keys} keys (or one tag). */
    default void onInvalidationSent(int keys) { }

    /** Another instance's invalidation arrived and dropped up to {@code keys} level-1 entries. */
    default void onInvalidationReceived(int keys) { }

    /** Level 1 was emptied: {@code reason} is "redis-down", "redis-back" or "resubscribed". */
    default void onLocalCleared(String reason) { }

    /** Switched to the in-memory fallback ({@code onRedis == false}) or back to Redis. */
    default void onFallback(boolean onRedis) { }

    /**
     * Redis did not answer a call within the call timeout, and the call was answered without it: {@code operation}
     * "get" as a miss (so a {@code getOrLoad} ran its loader), "load" the loaded value kept here only, "put",
     * "delete" or "invalidate-tag" applied to level 1 (the write still reaches Redis if it arrives; if it fails, it
     * is replayed when Redis returns). A Redis known to be down is not asked, so it shows in {@link #onFallback}
     * instead.
     */
    default void onCallTimeout(String operation, String key) { }

    /** Bytes stored under {@code key} did not decode; they counted as a miss and were deleted. */
    default void onUndecodable(String key) { }
}
