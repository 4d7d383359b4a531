package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Bad input fails at build or call time with a message naming the problem; headers render as the draft says. */
class RateLimitValidationTest {
    private final RateLimiter limiter = RateLimiter.builder()
            .policy(RateLimitPolicy.of("api", Limit.perSecond(10))).build();

    @Test
    void zeroOrNegativeCapacityIsRejected() {
        assertThatThrownBy(() -> Limit.tokenBucket(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> Limit.tokenBucket(-5, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> Limit.slidingWindow(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> Limit.tokenBucket(5, 0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refill tokens");
    }

    @Test
    void aRefillFasterThanTheArithmeticResolvesIsRejected() {
        assertThatThrownBy(() -> Limit.perSecond(1_000_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refill rate");
        assertThat(Limit.perSecond(Limit.MAX_REFILL_PER_SECOND).capacity()).isEqualTo(100_000);
    }

    @Test
    void zeroNegativeOrNullPeriodIsRejected() {
        assertThatThrownBy(() -> Limit.tokenBucket(5, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refill period");
        assertThatThrownBy(() -> Limit.tokenBucket(5, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("refill period");
        assertThatThrownBy(() -> Limit.slidingWindow(5, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window");
    }

    @Test
    void aPolicyNeedsAValidNameAndAtLeastOneLimit() {
        assertThatThrownBy(() -> RateLimitPolicy.of("login"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one limit");
        assertThatThrownBy(() -> RateLimitPolicy.of("has space", Limit.perSecond(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy name");
        assertThatThrownBy(() -> RateLimitPolicy.of(null, Limit.perSecond(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy name");
        assertThatThrownBy(() -> RateLimitPolicy.of("dup", Limit.perSecond(1).named("x"), Limit.perHour(9).named("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("two limits named 'x'");
        assertThatThrownBy(() -> RateLimiter.builder().build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy");
    }

    @Test
    void nullEmptyAndOversizedKeysAreRejectedAtCallTime() {
        assertThatThrownBy(() -> limiter.tryAcquire(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> limiter.tryAcquire(""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> limiter.tryAcquire("k".repeat(1025)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1025 bytes");
        // 342 chars of 3 bytes each: short in chars, over the limit in bytes.
        assertThatThrownBy(() -> limiter.tryAcquireAsync("\u20ac".repeat(342)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1026 bytes");
        assertThat(limiter.tryAcquire("k".repeat(1024)).allowed()).isTrue();
    }

    @Test
    void permitsOutOfRangeAreRejected() {
        assertThatThrownBy(() -> limiter.tryAcquire("k", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permits");
        assertThatThrownBy(() -> limiter.tryAcquire("k", 11))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("between 1 and 10");
    }

    @Test
    void fallbackPoliciesValidateTheirSettings() {
        assertThatThrownBy(() -> FallbackPolicy.local(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected instances");
        assertThatThrownBy(() -> FallbackPolicy.localShare(1.5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("local share");
        assertThatThrownBy(() -> FallbackPolicy.failClosed(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry-after");
    }

    @Test
    void aFallbackPolicyIsAValueAndItsConstructorChecksAsTheFactoriesDo() {
        assertThat(FallbackPolicy.local(4)).isEqualTo(FallbackPolicy.localShare(0.25))
                .isEqualTo(new FallbackPolicy(FallbackPolicy.Mode.LOCAL, 0.25, Duration.ZERO))
                .isNotEqualTo(FallbackPolicy.local(3));
        assertThat(FallbackPolicy.failClosed()).hasToString("failClosed(retryAfter=PT1S)")
                .isEqualTo(FallbackPolicy.failClosed(FallbackPolicy.DEFAULT_FAIL_CLOSED_RETRY_AFTER));
        assertThatThrownBy(() -> new FallbackPolicy(null, 1.0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mode");
        assertThatThrownBy(() -> new FallbackPolicy(FallbackPolicy.Mode.LOCAL, 0.0, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("local share");
        assertThatThrownBy(() -> new FallbackPolicy(FallbackPolicy.Mode.FAIL_CLOSED, 1.0, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retry-after");
    }

    @Test
    void builderSettingsOutOfRangeAreRejected() {
        RateLimiter.Builder builder = RateLimiter.builder();
        assertThatThrownBy(() -> builder.spinWait(Duration.ofNanos(-1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spin wait must be between 0 and 1000 µs");
        assertThatThrownBy(() -> builder.spinWait(Duration.ofMillis(2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spin wait must be between 0 and 1000 µs");
        assertThatThrownBy(() -> builder.batching(0, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("script calls in flight");
        assertThatThrownBy(() -> builder.batching(2, 1001)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("decisions per script call");
        assertThatThrownBy(() -> builder.callTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("call timeout must be more than 0");
        assertThatThrownBy(() -> builder.callTimeout(Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most PT1M");
        assertThatThrownBy(() -> builder.callTimeout(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("call timeout");
        assertThatThrownBy(() -> builder.leases(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("permits per lease");
        assertThatThrownBy(() -> builder.leases(16, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease life must be more than 0");
        assertThatThrownBy(() -> builder.leases(16, Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most PT1M");
        builder.spinWait(Duration.ZERO).spinWait(RateLimiter.MAX_SPIN_WAIT);
        builder.leases(1000, RateLimiter.MAX_LEASE_LIFE).leases(1, Duration.ofNanos(1));
        builder.callTimeout(Duration.ofMillis(1)).callTimeout(RateLimiter.MAX_CALL_TIMEOUT);
    }

    @Test
    void headersFollowTheIetfDraft() {
        RateLimitPolicy policy = RateLimitPolicy.of("login", Limit.perMinute(10).named("burst"),
                Limit.tokenBucket(100, 100, Duration.ofHours(1)));
        assertThat(policy.policyHeader()).isEqualTo("\"burst\";q=10;w=60, \"login-2\";q=100;w=3600");
        RateLimitDecision denied = new RateLimitDecision(false, "burst", 10, 0, Duration.ofMillis(41_200),
                Duration.ofMillis(5_100), RateLimitDecision.Source.REDIS);
        assertThat(denied.rateLimitHeader()).isEqualTo("\"burst\";r=0;t=42");
        assertThat(denied.retryAfterSeconds()).isEqualTo(6);
        RateLimitDecision allowed = new RateLimitDecision(true, "burst", 10, 3, Duration.ofSeconds(7), Duration.ZERO,
                RateLimitDecision.Source.REDIS);
        assertThat(allowed.retryAfterSeconds()).isZero();
        assertThat(allowed.rateLimitHeader()).isEqualTo("\"burst\";r=3;t=7");
    }
}
