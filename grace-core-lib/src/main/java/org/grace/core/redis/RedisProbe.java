package org.grace.core.redis;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;

/**
 * The background check that finds a returning Redis for a feature on its fallback, so that callers never wait on a
 * dead Redis to find out: while the availability says down, one {@code EXISTS} of a key outside the feature's data
 * per probe interval, and the first answer within the feature's call timeout switches the feature back (a Redis that
 * answers more slowly than its callers may wait would only send them back to time out). Used by the library's
 * features.
 */
public final class RedisProbe {
    /** Shortest interval: a probe more often than this only adds load to a Redis in trouble. */
    static final long MIN_INTERVAL_MILLIS = 50;

    private RedisProbe() {
    }

    /** Schedules the probe on {@code background} (owned by the feature, which stops it by shutting it down). */
    public static void schedule(ScheduledExecutorService background, RedissonClient redis, String probeKey,
                                RedisAvailability availability, Duration interval, Duration callTimeout) {
        long millis = Math.max(MIN_INTERVAL_MILLIS, interval.toMillis());
        long timeoutNanos = callTimeout.toNanos();
        background.scheduleWithFixedDelay(() -> probe(redis, probeKey, availability, timeoutNanos), millis, millis,
                TimeUnit.MILLISECONDS);
    }

    static void probe(RedissonClient redis, String probeKey, RedisAvailability availability, long timeoutNanos) {
        if (availability.isAvailable() || !availability.shouldTryRedis()) {
            return;
        }
        try {
            redis.getBucket(probeKey, ByteArrayCodec.INSTANCE).isExistsAsync().toCompletableFuture()
                    .get(timeoutNanos, TimeUnit.NANOSECONDS);
            availability.recordSuccess();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the feature is closing
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            // still down, or too slow to be of use; the next probe will tell
        }
    }
}
