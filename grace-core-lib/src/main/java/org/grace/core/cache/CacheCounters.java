package org.grace.core.cache;

import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the cache counts ({@link CacheStats}) and tells its {@link CacheListener}, in one place: every event is
 * counted and then heard, and a listener's exception is swallowed so that metrics can never break the cache. With
 * no listener a level-1 hit costs one counter increment.
 */
final class CacheCounters {
    private final CacheListener listener;
    private final boolean silent;
    private final LongAdder localHits = new LongAdder();
    private final LongAdder redisHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder clears = new LongAdder();
    private final LongAdder undecodable = new LongAdder();
    private final LongAdder callTimeouts = new LongAdder();

    CacheCounters(CacheListener listener) {
        this.listener = listener;
        this.silent = listener == CacheListener.NONE;
    }

    void localHit(String key) {
        localHits.increment();
        if (!silent) {
            hear(() -> listener.onLocalHit(key));
        }
    }

    void redisHit(String key) {
        countAndHear(redisHits, () -> listener.onRedisHit(key));
    }

    void miss(String key) {
        countAndHear(misses, () -> listener.onMiss(key));
    }

    void load(String key, long tookNanos, boolean failed) {
        loads.increment();
        loadNanos.add(tookNanos);
        if (failed) {
            loadFailures.increment();
        }
        hear(() -> listener.onLoad(key, Duration.ofNanos(tookNanos), failed));
    }

    void invalidationSent(int keys) {
        countAndHear(sent, () -> listener.onInvalidationSent(keys));
    }

    void invalidationReceived(int keys) {
        countAndHear(received, () -> listener.onInvalidationReceived(keys));
    }

    void cleared(String reason) {
        countAndHear(clears, () -> listener.onLocalCleared(reason));
    }

    void fallback(boolean onRedis) {
        hear(() -> listener.onFallback(onRedis));
    }

    void undecodable(String key) {
        countAndHear(undecodable, () -> listener.onUndecodable(key));
    }

    /** Redis did not answer a call; counted and heard when its timeout passed (not when the caller was interrupted). */
    void noAnswer(LevelTwo.NoAnswer e, String operation, String key) {
        if (e == LevelTwo.NoAnswer.TIMED_OUT) {
            countAndHear(callTimeouts, () -> listener.onCallTimeout(operation, key));
        }
    }

    CacheStats stats(boolean onRedis) {
        return new CacheStats(localHits.sum(), redisHits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
                loadNanos.sum(), sent.sum(), received.sum(), clears.sum(), undecodable.sum(), callTimeouts.sum(),
                onRedis);
    }

    /** The usual event: one more on its counter, then the listener hears it. */
    private void countAndHear(LongAdder counter, Runnable event) {
        counter.increment();
        hear(event);
    }

    private void hear(Runnable event) {
        if (silent) {
            return;
        }
        try {
            event.run();
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }
}
