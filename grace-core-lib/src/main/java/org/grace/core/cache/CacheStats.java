package org.grace.core.cache;

/**
 * Counters since the cache was built.
 *
 * @param localHits served from level 1
 * @param redisHits served from Redis
 * @param misses found in neither level
 * @param loads loader runs (each shared by every concurrent caller of one key)
 * @param loadFailures loader runs that threw
 * @param loadNanos total time spent in loaders
 * @param invalidationsSent invalidation messages published by this instance
 * @param invalidationsReceived invalidation messages from other instances
 * @param localClears times level 1 was emptied (Redis down, back, resubscribed)
 * @param undecodable stored values that no longer decoded (deleted)
 * @param callTimeouts calls Redis did not answer within the call timeout, answered without it (see
 *                     {@link GraceCache.Builder#callTimeout})
 * @param onRedis whether the cache is on Redis now (false: in-memory fallback)
 */
public record CacheStats(long localHits, long redisHits, long misses, long loads, long loadFailures, long loadNanos,
                         long invalidationsSent, long invalidationsReceived, long localClears, long undecodable,
                         long callTimeouts, boolean onRedis) {
}
