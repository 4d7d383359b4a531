package org.grace.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.grace.core.cache.GraceCache;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.redisson.api.RLocalCachedMap;
import org.redisson.codec.TypedJsonJacksonCodec;

/**
 * Write latency of the near-cache paths: Grace's {@code put} (encode, one Lua script doing SET PX and PUBLISH,
 * level-1 update) against {@code RLocalCachedMap.fastPut} (HSET plus its own invalidation message) and a plain
 * {@code RBucket.set} with TTL (no invalidation at all: the floor).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WriteBenchmark {

    @State(Scope.Benchmark)
    public static class Caches extends CacheTrial {
        RLocalCachedMap<String, BenchResident> localCachedMap;
        TypedJsonJacksonCodec json;
        BenchResident[] values = new BenchResident[BenchRedis.KEYS];

        public Caches() {
            super("bench-write", GraceCache.DEFAULT_LOCAL_MAX_SIZE);
        }

        @Override
        void fill() {
            localCachedMap = BenchRedis.localCachedMap(client);
            json = new TypedJsonJacksonCodec(BenchResident.class, new ObjectMapper());
            for (int i = 0; i < values.length; i++) {
                values[i] = BenchResident.of(i);
            }
        }
    }

    @Benchmark
    public void gracePut(Caches caches, KeyCursor cursor) {
        int i = cursor.index();
        caches.grace.put(caches.keys[i], caches.values[i]);
    }

    @Benchmark
    public void redissonLocalCachedMapFastPut(Caches caches, KeyCursor cursor) {
        int i = cursor.index();
        caches.localCachedMap.fastPut(caches.keys[i], caches.values[i]);
    }

    @Benchmark
    public void redissonBucketSetWithTtl(Caches caches, KeyCursor cursor) {
        int i = cursor.index();
        caches.client.getBucket("bench:raw:" + caches.keys[i], caches.json)
                .set(caches.values[i], Duration.ofSeconds(300));
    }
}
