package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import org.grace.core.redis.ClientName;
import org.grace.core.redis.WithRedisson;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Leases on a real Redis: a busy key spends most of its permits without a round trip, Redis has counted every one,
 * and what another instance loses meanwhile is bounded by the unspent lease.
 */
@WithRedisson
class LeasedRateLimitIT {
    private static final Duration LIFE = Duration.ofSeconds(1);
    private static RedissonClient client;

    @BeforeAll
    static void connect(RedisServer server, @ClientName("leased-it") RedissonClient redisson) {
        client = redisson;
    }

    private static RateLimiter limiter(String policy, long perHour, int maxLease) {
        RateLimiter.Builder builder = RateLimiter.builder().redis(client).fallback(FallbackPolicy.failClosed())
                .policy(RateLimitPolicy.of(policy, Limit.perHour(perHour)));
        RateLimiter limiter = (maxLease > 1 ? builder.leases(maxLease, LIFE) : builder).build();
        // Loads the policy's script on Redis (a first call is EVALSHA, NOSCRIPT, EVAL), so that the pace of the
        // tests' first requests is theirs.
        limiter.tryAcquire("warm-up");
        return limiter;
    }

    @Test
    void aBusyKeyLeasesMostOfItsPermitsAndAdmitsExactlyTheLimit() {
        RateLimiter leasing = limiter("lease-busy", 200, 16);
        RateLimiter exact = limiter("lease-busy", 200, 1);
        Map<RateLimitDecision.Source, Integer> allowedBy = new EnumMap<>(RateLimitDecision.Source.class);
        RateLimitDecision d;
        int asked = 0;
        while ((d = leasing.tryAcquire("k")).allowed() && asked++ < 1000) {
            allowedBy.merge(d.source(), 1, Integer::sum);
        }
        System.out.println("busy key: admitted by source " + allowedBy + ", then " + d);
        // One hour's 200 permits (a refill every 18 s, none during the test), every one counted on Redis...
        assertThat(allowedBy.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(200);
        // The admission of the last permit left the key empty: remembered here until the next permit (18 s away).
        assertThat(d.source()).isEqualTo(RateLimitDecision.Source.REMEMBERED);
        assertThat(exact.tryAcquire("k").allowed()).as("Redis has nothing left for another instance").isFalse();
        // ...and most of them spent here: leases of 16, then permit by permit once a lease was denied near the end.
        assertThat(allowedBy.get(RateLimitDecision.Source.LEASED)).isGreaterThanOrEqualTo(150);
    }

    @Test
    void anotherInstanceIsRefusedEarlyByAtMostTheUnspentLeaseWhichStaysSpendable() {
        RateLimiter a = limiter("lease-share", 40, 16);
        RateLimiter b = limiter("lease-share", 40, 1);
        // Two quick requests make the key busy on A: the second takes a lease (its size set by the pace of the two,
        // at most 16) and spends one of it.
        assertThat(a.tryAcquire("k").source()).isEqualTo(RateLimitDecision.Source.REDIS);
        RateLimitDecision second = a.tryAcquire("k");
        assertThat(second.source()).isEqualTo(RateLimitDecision.Source.REDIS);
        assertThat(second.remaining()).as("Redis's permits left plus A's unspent").isEqualTo(38);

        int byB = admitted(b, 100);
        int byA = 0;
        RateLimitDecision d;
        while ((d = a.tryAcquire("k")).allowed()) {
            assertThat(d.source()).isEqualTo(RateLimitDecision.Source.LEASED);
            byA++;
        }
        System.out.printf("share: A spent 2 then %d leased after B took %d%n", byA, byB);
        assertThat(byA).as("B was refused early by A's unspent lease, at most 15, and A still spent it")
                .isBetween(1, 15);
        assertThat(2 + byB + byA).as("the limit in total, exactly").isEqualTo(40);
    }

    @Test
    void aLeaseLapsesAfterItsLifeAndItsUnspentPermitsAreNotSpent() throws Exception {
        RateLimiter a = limiter("lease-lapse", 100, 8);
        RateLimiter b = limiter("lease-lapse", 100, 1);
        a.tryAcquire("k");
        assertThat(a.tryAcquire("k").remaining()).as("Redis's permits left plus A's unspent").isEqualTo(98);
        assertThat(a.tryAcquire("k").source()).isEqualTo(RateLimitDecision.Source.LEASED);
        Thread.sleep(LIFE.toMillis() + 50);
        // Past its life the lease's six remaining permits are gone: the next request asks Redis again.
        RateLimitDecision after = a.tryAcquire("k");
        assertThat(after.source()).isEqualTo(RateLimitDecision.Source.REDIS);
        int left = admitted(b, 200);
        System.out.println("lapse: Redis had " + left + " left for another instance");
        // 100 minus the single, the lease (2-8 permits, by the pace of the first two requests) and the next request:
        // the lapsed permits are not given back.
        assertThat(left).isBetween(100 - 1 - 8 - 1, 100 - 1 - 2 - 1);
    }

    private static int admitted(RateLimiter limiter, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire("k").allowed()) {
                admitted++;
            }
        }
        return admitted;
    }
}
