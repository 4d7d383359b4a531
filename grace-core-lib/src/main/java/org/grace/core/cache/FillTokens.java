package org.grace.core.cache;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Witnesses that no invalidation happened while a read was fetching a value for level 1.
 *
 * <p>A read that fills level 1 from Redis (or from a loader) races with invalidations: it may have read the old value
 * just before the writer's SET and insert it just after the writer's message dropped the key. So each read takes a
 * token before going to Redis and inserts only if the token is unchanged. A token is a global epoch, bumped by every
 * clear and tag invalidation, plus one of {@value #STRIPES} counters chosen by the key's hash, bumped by every
 * invalidation of a key in that stripe. Both parts only grow, so an unchanged sum means neither moved. Stripes keep
 * the cost fixed: an unrelated key in the same stripe only costs a skipped insert.
 */
final class FillTokens {
    static final int STRIPES = 1024;

    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);

    /** The current token of {@code key}. */
    long token(String key) {
        return epoch.get() + stripes.get(stripe(key));
    }

    /** {@code key} may have changed: fills of it that began before now must not be kept. */
    void invalidate(String key) {
        stripes.incrementAndGet(stripe(key));
    }

    /** Anything may have changed: no fill that began before now may be kept. */
    void invalidateAll() {
        epoch.incrementAndGet();
    }

    static int stripe(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }
}
