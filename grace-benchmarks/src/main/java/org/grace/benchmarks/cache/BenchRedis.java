package org.grace.benchmarks.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import org.grace.core.InstanceId;
import org.grace.core.cache.GraceCache;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.client.codec.StringCodec;
import org.redisson.codec.CompositeCodec;
import org.redisson.codec.TypedJsonJacksonCodec;

/** What every benchmark fork shares: the one Redis of the run (from a system property) and how peers are set up. */
final class BenchRedis {
    static final String URL_PROPERTY = "grace.bench.redis";
    static final int KEYS = 1024;
    /**
     * Long enough that no level-1 entry expires during a benchmark (these measure the hit path, not refills), and
     * equal to the values' TTL (the scaling guide's 300 s), as with every peer.
     */
    static final Duration LOCAL_TTL = GraceCache.DEFAULT_TTL;

    private BenchRedis() {
    }

    static RedissonClient client(String name) {
        String url = System.getProperty(URL_PROPERTY);
        if (url == null) {
            throw new IllegalStateException("-D" + URL_PROPERTY + "=redis://... is not set; run CacheBenchmark");
        }
        return RedisClients.create(RedisUrl.parse(url), name);
    }

    static String key(int i) {
        return "resident:" + i;
    }

    static GraceCache grace(RedissonClient client, int localMaxSize) {
        return GraceCache.builder().redis(client).namespace("bench").instanceId(InstanceId.of("bench"))
                .localTtl(LOCAL_TTL).localMaxSize(localMaxSize).build();
    }

    static RLocalCachedMap<String, BenchResident> localCachedMap(RedissonClient client) {
        return client.getLocalCachedMap(LocalCachedMapOptions.<String, BenchResident>name("bench:lcm")
                // String keys as plain strings (Redisson hashes the encoded key on every local lookup; JSON-encoding
                // it would slow the peer down for nothing), values as the same JSON Grace stores.
                .codec(new CompositeCodec(StringCodec.INSTANCE,
                        new TypedJsonJacksonCodec(String.class, BenchResident.class, new ObjectMapper())))
                .cacheSize(GraceCache.DEFAULT_LOCAL_MAX_SIZE)
                .timeToLive(LOCAL_TTL)
                .evictionPolicy(LocalCachedMapOptions.EvictionPolicy.LRU)
                .syncStrategy(LocalCachedMapOptions.SyncStrategy.INVALIDATE)
                .reconnectionStrategy(LocalCachedMapOptions.ReconnectionStrategy.CLEAR));
    }
}
