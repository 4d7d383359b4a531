package org.grace.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.codec.TypedJsonJacksonCodec;

/**
 * Level-2 hit latency: Grace's {@code get} with level 1 off (GET plus JSON decode), against Redisson's
 * {@code RBucket.get} on the same keys, once decoding the same JSON into the record (the like-for-like peer) and
 * once returning raw bytes (the floor: the round trip alone).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RedisHitBenchmark {

    @State(Scope.Benchmark)
    public static class Caches {
        RedissonClient client;
        GraceCache grace;
        TypedJsonJacksonCodec json;
        String[] keys = new String[BenchRedis.KEYS];
        String[] redisKeys = new String[BenchRedis.KEYS];

        @Setup(Level.Trial)
        public void setUp() {
            client = BenchRedis.client("bench-redis");
            grace = BenchRedis.grace(client, 0);
            json = new TypedJsonJacksonCodec(BenchResident.class, new ObjectMapper());
            for (int i = 0; i < keys.length; i++) {
                keys[i] = BenchRedis.key(i);
                redisKeys[i] = "bench:c:" + keys[i];
                grace.put(keys[i], BenchResident.of(i));
            }
            Object viaBucket = client.getBucket(redisKeys[7], json).get();
            if (!BenchResident.of(7).equals(viaBucket)) {
                throw new IllegalStateException("the peers do not read the same value: " + viaBucket);
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
    public Object graceGetRedisHit(Caches caches, Cursor cursor) {
        return caches.grace.get(caches.keys[cursor.index()], BenchResident.class);
    }

    @Benchmark
    public Object redissonBucketGetJson(Caches caches, Cursor cursor) {
        return caches.client.getBucket(caches.redisKeys[cursor.index()], caches.json).get();
    }

    @Benchmark
    public Object redissonBucketGetBytes(Caches caches, Cursor cursor) {
        return caches.client.getBucket(caches.redisKeys[cursor.index()], ByteArrayCodec.INSTANCE).get();
    }
}
