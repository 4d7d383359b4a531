package org.grace.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
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
    public static class Caches extends CacheTrial {
        TypedJsonJacksonCodec json;
        String[] redisKeys = new String[BenchRedis.KEYS];

        public Caches() {
            super("bench-redis", 0);
        }

        @Override
        void fill() {
            json = new TypedJsonJacksonCodec(BenchResident.class, new ObjectMapper());
            for (int i = 0; i < keys.length; i++) {
                redisKeys[i] = "bench:c:" + keys[i];
                grace.put(keys[i], BenchResident.of(i));
            }
            Object viaBucket = client.getBucket(redisKeys[7], json).get();
            if (!BenchResident.of(7).equals(viaBucket)) {
                throw new IllegalStateException("the peers do not read the same value: " + viaBucket);
            }
        }
    }

    @Benchmark
    public Object graceGetRedisHit(Caches caches, KeyCursor cursor) {
        return caches.grace.get(caches.keys[cursor.index()], BenchResident.class);
    }

    @Benchmark
    public Object redissonBucketGetJson(Caches caches, KeyCursor cursor) {
        return caches.client.getBucket(caches.redisKeys[cursor.index()], caches.json).get();
    }

    @Benchmark
    public Object redissonBucketGetBytes(Caches caches, KeyCursor cursor) {
        return caches.client.getBucket(caches.redisKeys[cursor.index()], ByteArrayCodec.INSTANCE).get();
    }
}
