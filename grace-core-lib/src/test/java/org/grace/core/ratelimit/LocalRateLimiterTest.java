package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.grace.testsupport.MutableClock;
import org.junit.jupiter.api.Test;

/** The decision arithmetic, in memory, timed by a hand-moved clock. */
class LocalRateLimiterTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T10:00:00.123456Z"));

    private RateLimiter limiter(Limit... limits) {
        return RateLimiter.builder().clock(clock).policy(RateLimitPolicy.of("test", limits)).build();
    }

    @Test
    void tokenBucketAdmitsTheBurstThenOnePermitPerInterval() {
        RateLimiter limiter = limiter(Limit.tokenBucket(10, Duration.ofSeconds(1)));
        for (int i = 0; i < 10; i++) {
            RateLimitDecision d = limiter.tryAcquire("k");
            assertThat(d.allowed()).isTrue();
            assertThat(d.remaining()).isEqualTo(9 - i);
            assertThat(d.source()).isEqualTo(RateLimitDecision.Source.MEMORY);
        }
        RateLimitDecision denied = limiter.tryAcquire("k");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(100));
        assertThat(denied.resetAfter()).isEqualTo(Duration.ofSeconds(1));

        clock.advance(Duration.ofMillis(99));
        assertThat(limiter.tryAcquire("k").allowed()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        assertThat(limiter.tryAcquire("k").allowed()).isFalse();
    }

    @Test
    void tokenBucketRefillsAtItsOwnRateUpToCapacity() {
        // Burst of 5, one permit per 2 s.
        RateLimiter limiter = limiter(Limit.tokenBucket(5, 1, Duration.ofSeconds(2)));
        assertThat(burstsAfter(limiter, Duration.ZERO, Duration.ofSeconds(6), Duration.ofHours(1)))
                .containsExactly(5, 3, 5);
    }

    @Test
    void manyPermitsAtOnceAreAllOrNothing() {
        RateLimiter limiter = limiter(Limit.tokenBucket(10, Duration.ofSeconds(10)));
        assertThat(limiter.tryAcquire("k", 7).allowed()).isTrue();
        RateLimitDecision denied = limiter.tryAcquire("k", 4);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.remaining()).isEqualTo(3);
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire("k", 3).allowed()).isTrue();
    }

    @Test
    void aDenialByOneLimitConsumesNothingFromTheOthers() {
        RateLimiter limiter = limiter(Limit.perHour(4).named("small"), Limit.perHour(6).named("large"));
        assertThat(limiter.tryAcquire("k", 3).allowed()).isTrue();
        RateLimitDecision denied = limiter.tryAcquire("k", 2);
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.limitName()).isEqualTo("small");
        // Had "large" been charged for the denied 2, it would now have 1 left and deny this.
        assertThat(limiter.tryAcquire("k", 1).allowed()).isTrue();
        // large: 6 - 3 - 1 = 2 left; small: 0 left.
        RateLimitDecision last = limiter.tryAcquire("k", 1);
        assertThat(last.allowed()).isFalse();
        assertThat(last.limitName()).isEqualTo("small");
    }

    @Test
    void theBindingLimitIsTheOneWithFewestPermitsLeft() {
        RateLimiter limiter = limiter(Limit.perSecond(10).named("second"), Limit.perHour(12).named("hour"));
        RateLimitDecision first = limiter.tryAcquire("k");
        assertThat(first.limitName()).isEqualTo("second");
        assertThat(first.remaining()).isEqualTo(9);
        assertThat(admitted(limiter, "k", 100)).isEqualTo(9);
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire("k").allowed()).isTrue();
        RateLimitDecision second = limiter.tryAcquire("k");
        assertThat(second.allowed()).isTrue();
        assertThat(second.limitName()).isEqualTo("hour");
        assertThat(second.remaining()).isZero();
        RateLimitDecision denied = limiter.tryAcquire("k");
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.limitName()).isEqualTo("hour");
        // Hour bucket: 12 per hour is one per 300 s, of which the 1 s already passed has refilled a part.
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofSeconds(299));
    }

    @Test
    void slidingWindowCountsTheLimitPerWindowAndWeighsThePreviousWindow() {
        RateLimiter limiter = limiter(Limit.slidingWindow(10, Duration.ofSeconds(10)));
        // Start exactly on a window boundary so the weights are round numbers.
        clock.advance(Duration.ofNanos(10_000_000_000L - 123_456_000L));
        assertThat(admitted(limiter, "k", 100)).isEqualTo(10);
        RateLimitDecision denied = limiter.tryAcquire("k");
        assertThat(denied.allowed()).isFalse();
        // Only in the next window, once a tenth of it has passed (0.9 * 10 + 1 <= 10), plus a microsecond.
        assertThat(denied.retryAfter()).isEqualTo(Duration.ofMillis(11_000).plusNanos(1000));
        clock.advance(Duration.ofSeconds(10));
        // Start of the next window: the previous 10 still weigh 10.
        assertThat(limiter.tryAcquire("k").allowed()).isFalse();
        // Half way: 10 * 0.5 = 5 weigh, 5 more fit. Half way through the next window: the previous window's 5 weigh
        // 2.5, so 7 more fit. Two windows on, nothing weighs any more.
        assertThat(burstsAfter(limiter, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20)))
                .containsExactly(5, 7, 10);
    }

    @Test
    void keysAreIndependent() {
        RateLimiter limiter = limiter(Limit.perMinute(2));
        assertThat(admitted(limiter, "a", 10)).isEqualTo(2);
        assertThat(admitted(limiter, "b", 10)).isEqualTo(2);
    }

    @Test
    void idleKeysAreEvictedOnceTheyWouldBeFullAgain() {
        LocalRateLimiter limiter = afterOneRequestPerKey("idle", 1000, 50);
        assertThat(limiter.estimatedKeys()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(59));
        assertThat(limiter.estimatedKeys()).isEqualTo(50);
        clock.advance(Duration.ofSeconds(2));
        assertThat(limiter.estimatedKeys()).isZero();
    }

    @Test
    void theMapOfKeysIsBounded() {
        LocalRateLimiter limiter = afterOneRequestPerKey("flood", 100, 1000);
        assertThat(limiter.estimatedKeys()).isLessThanOrEqualTo(100);
    }

    @Test
    void aLocalShareScalesEveryLimitDownToAtLeastOnePermit() {
        RateLimitPolicy policy = RateLimitPolicy.of("p", Limit.perHour(1000), Limit.tokenBucket(2, 1,
                Duration.ofSeconds(1)), Limit.slidingWindow(30, Duration.ofMinutes(1)));
        RateLimitPolicy third = policy.scaled(1.0 / 3);
        assertThat(third.limits().get(0).capacity()).isEqualTo(333);
        assertThat(third.limits().get(0).refillTokens()).isEqualTo(333);
        assertThat(third.limits().get(1).capacity()).isEqualTo(1);
        // One permit per second for all instances becomes one per 3 s on each.
        assertThat(third.limits().get(1).period()).isEqualTo(Duration.ofSeconds(3));
        assertThat(third.limits().get(2).capacity()).isEqualTo(10);
        assertThat(third.limitName(0)).isEqualTo("p-1");
    }

    @Test
    void listenerHearsEveryDecisionWithItsLatency() {
        List<String> heard = new ArrayList<>();
        long[] ticks = {0};
        RateLimiter limiter = RateLimiter.builder().clock(clock).nanoTicker(() -> ticks[0] += 7)
                .listener(new RateLimitListener() {
                    @Override
                    public void allowed(String policy, RateLimitDecision d, long latencyNanos) {
                        heard.add("allowed " + policy + " " + latencyNanos);
                    }

                    @Override
                    public void denied(String policy, RateLimitDecision d, long latencyNanos) {
                        heard.add("denied " + policy + " " + latencyNanos);
                    }
                })
                .policy(RateLimitPolicy.of("l", Limit.perHour(1))).build();
        limiter.tryAcquire("k");
        limiter.tryAcquire("k");
        assertThat(heard).containsExactly("allowed l 7", "denied l 7");
    }

    /** In memory, 5 per minute, room for {@code maxKeys} keys; after one request each for {@code keys} keys. */
    private LocalRateLimiter afterOneRequestPerKey(String policy, long maxKeys, int keys) {
        LocalRateLimiter limiter = new LocalRateLimiter(RateLimitPolicy.of(policy, Limit.perMinute(5)), clock, maxKeys,
                RateLimitDecision.Source.MEMORY, RateLimitListener.NONE, System::nanoTime);
        for (int i = 0; i < keys; i++) {
            limiter.tryAcquire("key-" + i);
        }
        return limiter;
    }

    /** After each wait on the clock, how many of a burst of 100 requests for one key the limiter admits. */
    private List<Integer> burstsAfter(RateLimiter limiter, Duration... waits) {
        List<Integer> admitted = new ArrayList<>();
        for (Duration wait : waits) {
            clock.advance(wait);
            admitted.add(admitted(limiter, "k", 100));
        }
        return admitted;
    }

    private static int admitted(RateLimiter limiter, String key, int attempts) {
        int admitted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(key).allowed()) {
                admitted++;
            }
        }
        return admitted;
    }
}
