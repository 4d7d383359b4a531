package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisUrl;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;
import org.redisson.api.redisnode.RedisNode;
import org.redisson.api.redisnode.RedisNodes;
import org.redisson.client.codec.StringCodec;
import org.redisson.client.protocol.Time;

/** The limiter against a real Redis that this test starts. */
class RedisRateLimiterIT {
    private static RedisServer redis;
    private static RedissonClient client;
    private static RateLimiters.Builder limiters;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        client = RedisClients.create(RedisUrl.parse(redis.url()), "ratelimit-it");
        limiters = RateLimiters.builder().redis(client).fallback(FallbackPolicy.failClosed());
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.shutdown();
        }
        if (redis != null) {
            redis.stop();
        }
    }

    static long redisMicros(RedissonClient client) {
        Time time = client.getRedisNodes(RedisNodes.SINGLE).getInstance().time();
        return time.getSeconds() * 1_000_000L + time.getMicroseconds();
    }

    @Test
    void theScriptReadsRedisTimeBeforeWritingOnRedis7AndTheKeyExpiresASecondAfterFullAgain() {
        String version = client.getRedisNodes(RedisNodes.SINGLE).getInstance()
                .info(RedisNode.InfoSection.SERVER).get("redis_version");
        assertThat(version).startsWith("7.");
        RateLimiter limiter = limiters.policy(RateLimitPolicy.of("expiry", Limit.perMinute(10))).build();

        RateLimitDecision first = limiter.tryAcquire("user-1");
        assertThat(first.source()).isEqualTo(RateLimitDecision.Source.REDIS);
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).isEqualTo(9);
        String key = RateLimiters.DEFAULT_KEY_PREFIX + "expiry:user-1";
        // One permit taken of ten per minute: full again in 6 s, and the key lives one more second.
        long ttl = client.getKeys().remainTimeToLive(key);
        assertThat(ttl).isBetween(6_000L, 7_000L);
        for (int i = 0; i < 9; i++) {
            limiter.tryAcquire("user-1");
        }
        assertThat(client.getKeys().remainTimeToLive(key)).isBetween(60_000L, 61_000L);
        RateLimitDecision denied = limiter.tryAcquire("user-1");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isBetween(Duration.ofMillis(5_000), Duration.ofMillis(6_000));
    }

    @Test
    void refillOverRealTimeAdmitsTheBurstPlusFiftyPerSecond() {
        RateLimiter limiter = limiters.policy(RateLimitPolicy.of("refill", Limit.perSecond(50))).build();
        long hammerNanos = Duration.ofSeconds(3).toNanos();
        long before = redisMicros(client);
        long start = System.nanoTime();
        int admitted = 0;
        int calls = 0;
        while (System.nanoTime() - start < hammerNanos && calls < 2_000_000) {
            calls++;
            RateLimitDecision d = limiter.tryAcquire("k");
            assertThat(d.source()).isEqualTo(RateLimitDecision.Source.REDIS);
            if (d.allowed()) {
                admitted++;
            }
        }
        long elapsedMicros = redisMicros(client) - before;
        long upper = 50 + (long) Math.floor(50 * elapsedMicros / 1e6);
        System.out.printf("refill: %d admitted of %d calls in %.3f s of Redis time (burst 50 + 50/s: at most %d)%n",
                admitted, calls, elapsedMicros / 1e6, upper);
        // 50 at once, then 50 per second for the 3 s we hammered; never more than the Redis clock allows. The
        // permits of the last few tens of milliseconds may arrive after the last call of a loaded machine.
        assertThat(admitted).isBetween(50 + 150 - 3, (int) upper);
    }

    @Test
    void aDenialWritesNothingToRedis() {
        RateLimiter limiter = limiters.policy(RateLimitPolicy.of("atomic", Limit.perHour(4).named("small"),
                Limit.slidingWindow(6, Duration.ofHours(1)).named("window"))).build();
        String key = RateLimiters.DEFAULT_KEY_PREFIX + "atomic:k";
        assertThat(limiter.tryAcquire("k", 3).allowed()).isTrue();
        String before = client.<String>getBucket(key, StringCodec.INSTANCE).get();
        long ttlBefore = client.getKeys().remainTimeToLive(key);
        RateLimitDecision denied = limiter.tryAcquire("k", 2);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.limitName()).isEqualTo("small");
        assertThat(client.<String>getBucket(key, StringCodec.INSTANCE).get()).isEqualTo(before);
        // The expiry was not pushed out either (it only ever runs down).
        assertThat(client.getKeys().remainTimeToLive(key)).isLessThanOrEqualTo(ttlBefore);
        assertThat(limiter.tryAcquire("k", 1).allowed()).isTrue();
    }

    @Test
    void stateLeftByADifferentLayoutOfThePolicyIsIgnored() {
        RateLimiter before = limiters.policy(RateLimitPolicy.of("changed", Limit.perHour(2))).build();
        assertThat(admitted(before, "k", 5)).isEqualTo(2);
        // The same policy name now with a sliding window in front: the old token bucket state must not be misread.
        RateLimiter after = limiters.policy(RateLimitPolicy.of("changed", Limit.slidingWindow(3, Duration.ofHours(1)),
                Limit.perHour(4))).build();
        assertThat(admitted(after, "k", 10)).isEqualTo(3);
    }

    @Test
    void theInMemoryArithmeticDecidesLikeTheScript() {
        // Limits slow enough that the milliseconds between the two runs refill nothing, and day windows.
        assertSameDecisions(RateLimitPolicy.of("parity", Limit.tokenBucket(7, 1, Duration.ofHours(1)),
                Limit.slidingWindow(9, Duration.ofDays(1)), Limit.perHour(12)), 2, 3, 3, 1, 1, 2, 1, 1, 1);
        // Equal remainders: the first limit binds.
        assertSameDecisions(RateLimitPolicy.of("parity-tie", Limit.perHour(5).named("a"),
                Limit.slidingWindow(5, Duration.ofDays(1)).named("b")), 1, 2, 3, 2, 1);
    }

    private static void assertSameDecisions(RateLimitPolicy policy, long... permits) {
        RateLimiter onRedis = limiters.policy(policy).build();
        RateLimiter inMemory = RateLimiters.builder().policy(policy).build();
        for (int i = 0; i < permits.length; i++) {
            RateLimitDecision r = onRedis.tryAcquire("k", permits[i]);
            RateLimitDecision m = inMemory.tryAcquire("k", permits[i]);
            String step = policy.name() + " step " + i + ": " + r + " vs " + m;
            assertThat(r.source()).isEqualTo(RateLimitDecision.Source.REDIS);
            assertThat(r.allowed()).as(step).isEqualTo(m.allowed());
            assertThat(r.limitName()).as(step).isEqualTo(m.limitName());
            assertThat(r.limit()).as(step).isEqualTo(m.limit());
            assertThat(r.remaining()).as(step).isEqualTo(m.remaining());
            assertThat(r.retryAfter()).as(step).isCloseTo(m.retryAfter(), Duration.ofSeconds(1));
            assertThat(r.resetAfter()).as(step).isCloseTo(m.resetAfter(), Duration.ofSeconds(1));
        }
    }

    @Test
    void anInterruptedCallerDoesNotDeclareRedisDown() {
        RateLimiter limiter = RateLimiters.builder().redis(client).fallback(FallbackPolicy.failClosed())
                .policy(RateLimitPolicy.of("interrupt", Limit.perSecond(100))).build();
        Thread.currentThread().interrupt();
        RateLimitDecision during = limiter.tryAcquire("k");
        assertThat(Thread.interrupted()).as("interrupt flag kept").isTrue();
        assertThat(during.source()).isIn(RateLimitDecision.Source.REDIS, RateLimitDecision.Source.FAIL_CLOSED);
        // Had the interrupt been taken for an outage, this would be a fail-closed decision until the next probe.
        assertThat(limiter.tryAcquire("k").source()).isEqualTo(RateLimitDecision.Source.REDIS);
    }

    @Test
    void slidingWindowHoldsItsLimitOnRedis() {
        RateLimiter limiter = limiters.policy(RateLimitPolicy.of("window",
                Limit.slidingWindow(5, Duration.ofHours(1)))).build();
        assertThat(admitted(limiter, "k", 20)).isEqualTo(5);
    }

    @Test
    void aFlushedScriptCacheIsRefilledWithoutAFallback() {
        // Per hour: nothing refills in the milliseconds the flush and the re-sent script take.
        RateLimiter limiter = limiters.policy(RateLimitPolicy.of("flush", Limit.perHour(100))).build();
        assertThat(limiter.tryAcquire("k").source()).isEqualTo(RateLimitDecision.Source.REDIS);
        assertThat(redis.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
        RateLimitDecision after = limiter.tryAcquire("k");
        assertThat(after.source()).isEqualTo(RateLimitDecision.Source.REDIS);
        assertThat(after.remaining()).isEqualTo(98);
    }

    @Test
    void theAsyncVariantDecidesTheSame() {
        RateLimiter limiter = limiters.policy(RateLimitPolicy.of("async", Limit.perHour(3))).build();
        int admitted = 0;
        for (int i = 0; i < 5; i++) {
            if (limiter.tryAcquireAsync("k").toCompletableFuture().join().allowed()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(3);
        assertThatThrownBy(() -> limiter.tryAcquireAsync("x".repeat(2000)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anInjectedClockDoesNotMoveRedisDecisions() {
        // A clock an hour ahead would have refilled the bucket if the limiter read it.
        RateLimiter limiter = RateLimiters.builder().redis(client)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofHours(1)))
                .policy(RateLimitPolicy.of("clock", Limit.perHour(2))).build();
        RateLimiter straight = limiters.policy(RateLimitPolicy.of("clock", Limit.perHour(2))).build();
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        assertThat(straight.tryAcquire("k").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k").allowed()).isFalse();
        assertThat(straight.tryAcquire("k").allowed()).isFalse();
    }

    private static int admitted(RateLimiter limiter, String key, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            RateLimitDecision d = limiter.tryAcquire(key);
            assertThat(d.source()).isEqualTo(RateLimitDecision.Source.REDIS);
            if (d.allowed()) {
                admitted++;
            }
        }
        return admitted;
    }
}
