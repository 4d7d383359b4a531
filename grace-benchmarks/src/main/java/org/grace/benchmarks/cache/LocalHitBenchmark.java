package org.grace.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.concurrent.TimeUnit;
import org.grace.core.cache.GraceCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;

/**
 * Level-1 hit throughput: Grace's {@code get} on a key in level 1, against Caffeine used directly (same size bound,
 * same expiry) and against Redisson's {@code RLocalCachedMap} with its local cache filled. 1,024 keys, round robin.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LocalHitBenchmark {

    @State(Scope.Benchmark)
    public static class Caches {
        RedissonClient client;
        GraceCache grace;
        Cache<String, Object> caffeine;
        Cache<String, Object> caffeineVariable;
        RLocalCachedMap<String, BenchResident> localCachedMap;
        String[] keys = new String[BenchRedis.KEYS];

        @Setup(Level.Trial)
        public void setUp() {
            client = BenchRedis.client("bench-local");
            grace = BenchRedis.grace(client, GraceCache.DEFAULT_LOCAL_MAX_SIZE);
            caffeine = Caffeine.newBuilder().maximumSize(GraceCache.DEFAULT_LOCAL_MAX_SIZE)
                    .expireAfterWrite(BenchRedis.LOCAL_TTL).build();
            caffeineVariable = Caffeine.newBuilder().maximumSize(GraceCache.DEFAULT_LOCAL_MAX_SIZE)
                    .expireAfter(Expiry.<String, Object>writing((k, v) -> BenchRedis.LOCAL_TTL)).build();
            localCachedMap = BenchRedis.localCachedMap(client);
            for (int i = 0; i < keys.length; i++) {
                keys[i] = BenchRedis.key(i);
                BenchResident value = BenchResident.of(i);
                grace.put(keys[i], value);
                caffeine.put(keys[i], value);
                caffeineVariable.put(keys[i], value);
                localCachedMap.fastPut(keys[i], value);
            }
            for (String key : keys) {
                if (grace.get(key, BenchResident.class).isEmpty() || localCachedMap.get(key) == null) {
                    throw new IllegalStateException("not cached: " + key);
                }
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            grace.close();
            client.shutdown();
        }
    }

    @State(Scope.Thread)
    public static class Cursor {
        int next;

        String key(Caches caches) {
            return caches.keys[next++ & (BenchRedis.KEYS - 1)];
        }
    }

    @Benchmark
    public Object caffeineGetIfPresent(Caches caches, Cursor cursor) {
        return caches.caffeine.getIfPresent(cursor.key(caches));
    }

    @Benchmark
    public Object caffeineVariableExpiryGetIfPresent(Caches caches, Cursor cursor) {
        return caches.caffeineVariable.getIfPresent(cursor.key(caches));
    }

    @Benchmark
    public Object graceGetLocalHit(Caches caches, Cursor cursor) {
        return caches.grace.get(cursor.key(caches), BenchResident.class);
    }

    @Benchmark
    public Object redissonLocalCachedMapGetLocalHit(Caches caches, Cursor cursor) {
        return caches.localCachedMap.get(cursor.key(caches));
    }
}
