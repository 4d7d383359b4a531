package org.grace.benchmarks.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import java.util.concurrent.TimeUnit;
import org.grace.core.cache.GraceCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.redisson.api.RLocalCachedMap;

/**
 * Level-1 hit throughput: Grace's {@code get} on a key in level 1, against Caffeine used directly (same size bound,
 * same expiry) and against Redisson's {@code RLocalCachedMap} with its local cache filled. 1,024 keys, round robin.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LocalHitBenchmark {

    @State(Scope.Benchmark)
    public static class Caches extends CacheTrial {
        Cache<String, Object> caffeine;
        Cache<String, Object> caffeineVariable;
        RLocalCachedMap<String, BenchResident> localCachedMap;

        public Caches() {
            super("bench-local", GraceCache.DEFAULT_LOCAL_MAX_SIZE);
        }

        @Override
        void fill() {
            caffeine = Caffeine.newBuilder().maximumSize(GraceCache.DEFAULT_LOCAL_MAX_SIZE)
                    .expireAfterWrite(BenchRedis.LOCAL_TTL).build();
            caffeineVariable = Caffeine.newBuilder().maximumSize(GraceCache.DEFAULT_LOCAL_MAX_SIZE)
                    .expireAfter(Expiry.<String, Object>writing((k, v) -> BenchRedis.LOCAL_TTL)).build();
            localCachedMap = BenchRedis.localCachedMap(client);
            for (int i = 0; i < keys.length; i++) {
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
    }

    @Benchmark
    public Object caffeineGetIfPresent(Caches caches, KeyCursor cursor) {
        return caches.caffeine.getIfPresent(caches.keys[cursor.index()]);
    }

    @Benchmark
    public Object caffeineVariableExpiryGetIfPresent(Caches caches, KeyCursor cursor) {
        return caches.caffeineVariable.getIfPresent(caches.keys[cursor.index()]);
    }

    @Benchmark
    public Object graceGetLocalHit(Caches caches, KeyCursor cursor) {
        return caches.grace.get(caches.keys[cursor.index()], BenchResident.class);
    }

    @Benchmark
    public Object redissonLocalCachedMapGetLocalHit(Caches caches, KeyCursor cursor) {
        return caches.localCachedMap.get(caches.keys[cursor.index()]);
    }
}
