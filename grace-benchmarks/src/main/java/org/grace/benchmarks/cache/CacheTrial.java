package org.grace.benchmarks.cache;

import org.grace.core.cache.GraceCache;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.api.RedissonClient;

/**
 * What every JMH cache benchmark holds for one trial: a Redis client of its own, a Grace cache on it and the
 * benchmark's keys; {@link #fill()} adds what the benchmark reads or writes. Both are closed after the trial.
 * The benchmark's {@code @State} class extends this (JMH runs the inherited set-up and tear-down).
 */
public abstract class CacheTrial {
    private final String clientName;
    private final int localMaxSize;
    RedissonClient client;
    GraceCache grace;
    final String[] keys = new String[BenchRedis.KEYS];

    /** A trial with the client named {@code clientName} and a level 1 of {@code localMaxSize} entries (0: off). */
    CacheTrial(String clientName, int localMaxSize) {
        this.clientName = clientName;
        this.localMaxSize = localMaxSize;
    }

    @Setup(Level.Trial)
    public void setUp() {
        client = BenchRedis.client(clientName);
        grace = BenchRedis.grace(client, localMaxSize);
        for (int i = 0; i < keys.length; i++) {
            keys[i] = BenchRedis.key(i);
        }
        fill();
    }

    /** Puts the benchmark's values in place and checks that each contender sees them. */
    abstract void fill();

    @TearDown(Level.Trial)
    public void tearDown() {
        grace.close();
        client.shutdown();
    }
}
