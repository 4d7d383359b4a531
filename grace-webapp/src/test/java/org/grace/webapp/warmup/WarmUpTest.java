package org.grace.webapp.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * When the warm-up lets the instance report ready: the real rounds of {@link WarmUp} with stand-ins for the Redis
 * round trip (which takes the time a script says, on a clock the test moves), for Redis's reachability, and for the
 * costly rare round.
 */
class WarmUpTest {
    private static final long MS = 1_000_000;
    /** A quarter of the default 50 ms call deadline. */
    private static final long STEADY_BELOW = 12_500_000;

    /** A warm-up whose limiter round trip number n takes {@code millis.applyAsInt(n)} ms and is answered by Redis. */
    private static final class Scripted extends WarmUp {
        final AtomicLong clock = new AtomicLong(1_000 * MS);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger rare = new AtomicInteger();
        final IntUnaryOperator millis;
        boolean answeredByRedis = true;
        boolean reachable = true;
        RuntimeException rareFails;

        Scripted(IntUnaryOperator millis) {
            this.millis = millis;
            this.nanoTime = clock::get;
        }

        @Override
        boolean limiterRoundTrip() {
            clock.addAndGet(millis.applyAsInt(calls.getAndIncrement()) * MS);
            return answeredByRedis;
        }

        @Override
        boolean redisReachable() {
            return reachable;
        }

        @Override
        void rareRound() {
            rare.incrementAndGet();
            if (rareFails != null) {
                throw rareFails;
            }
        }

        String outcome() {
            return String.valueOf(status().get("outcome"));
        }
    }

    @Test
    void slowRoundTripsWhileCompilingThenSteadyEndsAfterTheSteadyWindow() {
        Scripted warmUp = new Scripted(n -> n < 700 ? 30 : 1); // cold: 30 ms, over a quarter of the deadline
        assertThat(warmUp.done()).isFalse();
        assertThat(warmUp.status()).containsEntry("state", "running");
        warmUp.run(Duration.ofSeconds(60), STEADY_BELOW);
        assertThat(warmUp.done()).isTrue();
        assertThat(warmUp.status()).containsEntry("state", "done");
        assertThat(warmUp.calls.get()).isEqualTo(700 + WarmUp.STEADY_ROUNDS);
        assertThat(warmUp.rare.get()).isEqualTo((700 + WarmUp.STEADY_ROUNDS) / WarmUp.TOKEN_EVERY);
        assertThat(warmUp.outcome()).startsWith("steady after 900 rounds in 21200 ms")
                .contains("slowest of the last 200: 1.0 ms");
    }

    @Test
    void aWarmMachineStillRunsTheMinimumRounds() {
        Scripted warmUp = new Scripted(n -> 0);
        warmUp.run(Duration.ofSeconds(60), STEADY_BELOW);
        assertThat(warmUp.calls.get()).isEqualTo(WarmUp.MIN_ROUNDS);
        assertThat(warmUp.outcome()).startsWith("steady after 500 rounds");
    }

    @Test
    void neverSteadyEndsAtTheTimeLimitSoASlowMachineStillGetsAnInstance() {
        Scripted warmUp = new Scripted(n -> 20);
        warmUp.run(Duration.ofSeconds(20), STEADY_BELOW);
        assertThat(warmUp.done()).isTrue();
        assertThat(warmUp.calls.get()).isEqualTo(1000); // 20 s of 20 ms round trips
        assertThat(warmUp.outcome()).isEqualTo("time limit (GRACE_WARMUP=20s) after 1000 rounds, Redis round trips "
                + "not yet steady");
    }

    @Test
    void redisUnreachableStopsAfterOneWindowInsteadOfWaitingTheLimitOut() {
        Scripted warmUp = new Scripted(n -> 50);
        warmUp.answeredByRedis = false;
        warmUp.reachable = false;
        warmUp.run(Duration.ofSeconds(20), STEADY_BELOW);
        assertThat(warmUp.calls.get()).isEqualTo(WarmUp.STEADY_ROUNDS);
        assertThat(warmUp.outcome()).startsWith("stopped after 200 rounds").contains("Redis is unreachable");
    }

    @Test
    void aFallbackAnswerIsNeverSteadyEvenWhenFast() {
        Scripted warmUp = new Scripted(n -> 1);
        warmUp.answeredByRedis = false; // the limiter answered from memory: nothing of Redis's path was warmed
        warmUp.run(Duration.ofSeconds(2), STEADY_BELOW);
        assertThat(warmUp.outcome()).startsWith("time limit");
    }

    @Test
    void aWarmUpThatFailsReportsReadyAndSaysWhy() {
        Scripted warmUp = new Scripted(n -> 1);
        warmUp.rareFails = new IllegalStateException("no signing key yet");
        warmUp.run(Duration.ofSeconds(20), STEADY_BELOW);
        assertThat(warmUp.done()).isTrue();
        assertThat(warmUp.outcome()).isEqualTo("failed after 0 rounds: java.lang.IllegalStateException: no signing "
                + "key yet");
    }
}
