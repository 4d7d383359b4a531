package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.core.InstanceId;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * A frozen Redis (SIGSTOP: connections open, nothing answered) against the cache's call timeout: the first call waits
 * out its deadline and is answered without Redis, saying so; the calls after it do not wait at all; the cache is
 * back on Redis after SIGCONT, and a write made while it was frozen is not served stale from Redis afterwards.
 */
class CacheCallTimeoutIT {
    private static final Duration CALL_TIMEOUT = Duration.ofMillis(100);

    @Test
    void aFrozenRedisCostsTheFirstCallItsDeadlineThenTheCacheAnswersWithoutItAndSaysSo() {
        try (RedisServer redis = RedisServer.start()) {
            RedissonClient client = RedisClients.create(RedisUrl.parse(redis.url()), "it-call-timeout");
            List<String> timedOut = new CopyOnWriteArrayList<>();
            // Level 1 off: every read asks Redis, so each call below meets the frozen Redis (or its fallback).
            try (GraceCache cache = GraceCache.builder().redis(client).namespace("deadline")
                    .instanceId(InstanceId.of("A")).localMaxSize(0).probeInterval(Duration.ofMillis(200))
                    .callTimeout(CALL_TIMEOUT).listener(new CacheListener() {
                        @Override
                        public void onCallTimeout(String operation, String key) {
                            timedOut.add(operation + " " + key);
                        }
                    }).build()) {
                cache.put("k", "before");
                assertThat(cache.get("k", String.class)).contains("before");

                redis.pause();
                long firstTook;
                long restTook;
                AtomicInteger loads = new AtomicInteger();
                try {
                    long start = System.nanoTime();
                    assertThat(cache.get("k", String.class)).as("a miss: Redis did not answer in time").isEmpty();
                    firstTook = System.nanoTime() - start;
                    start = System.nanoTime();
                    assertThat(cache.getOrLoad("other", String.class, Duration.ofMinutes(1), () -> {
                        loads.incrementAndGet();
                        return "loaded";
                    })).isEqualTo("loaded");
                    cache.put("k", "during");
                    assertThat(cache.get("k", String.class)).isEmpty();
                    restTook = System.nanoTime() - start;
                } finally {
                    redis.resume();
                }
                System.out.printf("call timeout %d ms, Redis frozen: first call %d ms, the three after it %d ms%n",
                        CALL_TIMEOUT.toMillis(), firstTook / 1_000_000, restTook / 1_000_000);
                // Without the deadline the first call waits for Redisson's timeout and one retry: about 2 s.
                assertThat(Duration.ofNanos(firstTook)).isGreaterThanOrEqualTo(CALL_TIMEOUT)
                        .isLessThan(Duration.ofMillis(1000));
                assertThat(Duration.ofNanos(restTook)).as("on the fallback: nobody waits for Redis")
                        .isLessThan(CALL_TIMEOUT);
                assertThat(timedOut).containsExactly("get k");
                assertThat(cache.stats().callTimeouts()).isEqualTo(1);
                assertThat(loads.get()).isEqualTo(1);

                await().atMost(Duration.ofSeconds(5)).until(() -> cache.stats().onRedis());
                // The put made while frozen was remembered and is deleted in Redis on return, not served as "before".
                await().atMost(Duration.ofSeconds(5)).until(() -> redis.command("EXISTS", "deadline:c:k").equals(":0"));
                assertThat(cache.get("k", String.class)).isEmpty();
                cache.put("k", "after");
                assertThat(cache.get("k", String.class)).contains("after");
            } finally {
                client.shutdown();
            }
        }
    }
}
