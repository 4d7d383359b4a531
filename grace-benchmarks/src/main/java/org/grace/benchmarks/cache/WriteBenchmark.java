package org.grace.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
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
    public static class Caches {
        RedissonClient client;
        GraceCache grace;
        RLocalCachedMap<String, BenchResident> localCachedMap;
        TypedJsonJacksonCodec json;
        String[] keys = new String[BenchRedis.KEYS];
        BenchResident[] values = new BenchResident[BenchRedis.KEYS];

        @Setup(Level.Trial)
        public void setUp() {
            client = BenchRedis.client("bench-write");
            grace = BenchRedis.grace(client, GraceCache.DEFAULT_LOCAL_MAX_SIZE);
            localCachedMap = BenchRedis.localCachedMap(client);
            json = new TypedJsonJacksonCodec(BenchResident.class, new ObjectMapper());
            for (int i = 0; i < keys.length; i++) {
                keys[i] = BenchRedis.key(i);
                values[i] = BenchResident.of(i);
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

        int index() {
            return next++ & (BenchRedis.KEYS - 1);
        }
    }

    @Benchmark
    public void gracePut(Caches caches, Cursor cursor) {
        int i = cursor.index();
        caches.grace.put(caches.keys[i], caches.values[i]);
    }

    @Benchmark
    public void redissonLocalCachedMapFastPut(Caches caches, Cursor cursor) {
        int i = cursor.index();
        caches.localCachedMap.fastPut(caches.keys[i], caches.values[i]);
    }

    @Benchmark
    public void redissonBucketSetWithTtl(Caches caches, Cursor cursor) {
        int i = cursor.index();
        caches.client.getBucket("bench:raw:" + caches.keys[i], caches.json)
                .set(caches.values[i], Duration.ofSeconds(300));
    }
}
