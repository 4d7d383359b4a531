package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.grace.core.redis.ClientName;
import org.grace.core.redis.WithRedisson;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonClient;

/**
 * Redis killed in the middle of a run: under every fallback policy callers keep getting decisions and never an
 * exception; Redis restarted: decisions come from Redis again within 5 s. Redis frozen: one timeout, then fallbacks.
 */
@WithRedisson
class RedisFallbackIT {
    private static final Duration BACK_WITHIN = Duration.ofSeconds(5);

    private static RedisServer redis;
    private static RedissonClient client;

    @BeforeAll
    static void connect(RedisServer server, @ClientName("ratelimit-fallback-it") RedissonClient redisson) {
        redis = server;
        client = redisson;
    }

    @Test
    void failOpenAdmitsEverythingWhileRedisIsDown() throws Exception {
        Outage outage = runThroughOutage("open", FallbackPolicy.failOpen());
        assertThat(outage.fallbackSources()).containsOnlyKeys(RateLimitDecision.Source.FAIL_OPEN);
        assertThat(outage.fallbackAllowed.get()).isEqualTo(outage.fallbackDecisions.get());
    }

    @Test
    void failClosedDeniesEverythingWhileRedisIsDown() throws Exception {
        Outage outage = runThroughOutage("closed", FallbackPolicy.failClosed());
        assertThat(outage.fallbackSources()).containsOnlyKeys(RateLimitDecision.Source.FAIL_CLOSED);
        assertThat(outage.fallbackAllowed.get()).isZero();
    }

    @Test
    void localCountsThisInstancesShareWhileRedisIsDown() throws Exception {
        // 30 per hour over three instances: this one admits exactly 10 while on its own.
        Outage outage = runThroughOutage("local", FallbackPolicy.local(3));
        assertThat(outage.fallbackSources()).containsOnlyKeys(RateLimitDecision.Source.LOCAL);
        assertThat(outage.fallbackAllowed.get()).isEqualTo(10);
    }

    @Test
    void aFrozenRedisCostsCallersOneTimeoutThenFallbacksUntilItAnswersAgain() throws Exception {
        // A frozen Redis keeps its connections open and answers nothing: calls on the wire wait for Redisson's
        // timeout, and callers queued behind them must not wait longer than that before getting a fallback.
        RateLimiter limiter = RateLimiter.builder().redis(client).fallback(FallbackPolicy.local(3))
                .rememberDenials(false).policy(RateLimitPolicy.of("frozen", Limit.perSecond(1000))).build();
        assertThat(limiter.tryAcquire("warm").source()).isEqualTo(RateLimitDecision.Source.REDIS);
        int threads = 8;
        java.util.concurrent.atomic.AtomicBoolean frozen = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong slowest = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger whileFrozen = new AtomicInteger();
        AtomicInteger fastWhileFrozen = new AtomicInteger();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        Thread[] callers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int seed = t;
            callers[t] = new Thread(() -> {
                int i = 0;
                while (running.get()) {
                    long start = System.nanoTime();
                    try {
                        limiter.tryAcquire("k" + seed + ":" + (i++ % 50));
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                    long took = System.nanoTime() - start;
                    slowest.accumulateAndGet(took, Math::max);
                    if (frozen.get()) {
                        whileFrozen.incrementAndGet();
                        if (took < Duration.ofMillis(5).toNanos()) {
                            fastWhileFrozen.incrementAndGet();
                        }
                    }
                    LockSupport.parkNanos(100_000);
                }
            });
            callers[t].start();
        }
        Thread.sleep(300);
        redis.pause();
        try {
            frozen.set(true);
            Thread.sleep(3000);
            frozen.set(false);
        } finally {
            redis.resume();
        }
        long resumedAt = System.nanoTime();
        long backAt = 0;
        while (System.nanoTime() - resumedAt < BACK_WITHIN.toNanos()) {
            if (limiter.tryAcquire("probe").source() == RateLimitDecision.Source.REDIS) {
                backAt = System.nanoTime();
                break;
            }
            Thread.sleep(20);
        }
        running.set(false);
        for (Thread caller : callers) {
            caller.join(10_000);
        }
        System.out.printf("frozen Redis: slowest call %d ms; %d calls while frozen, %d of them under 5 ms;"
                        + " back on Redis %d ms after resume%n", slowest.get() / 1_000_000, whileFrozen.get(),
                fastWhileFrozen.get(), backAt == 0 ? -1 : (backAt - resumedAt) / 1_000_000);
        assertThat(errors).isEmpty();
        assertThat(backAt).as("back on Redis within " + BACK_WITHIN).isPositive();
        // Nobody waits longer than Redisson's timeout and one retry: 500 ms, a pause of 0.5-1 s, 500 ms (seen: 1.9-2.1 s),
        // plus scheduling on a loaded machine.
        assertThat(Duration.ofNanos(slowest.get())).isLessThan(Duration.ofMillis(4000));
        // Once the first calls timed out, the rest of the freeze is answered by the fallback at once.
        assertThat(fastWhileFrozen.get()).isGreaterThan(whileFrozen.get() / 2);
    }

    @Test
    void pastItsCallTimeoutADecisionComesFromTheFallbackAndSaysSo() throws Exception {
        // Without a deadline a frozen Redis holds the first calls for Redisson's timeout and one retry (about 2 s, see
        // above); with one, the first is answered by the fallback once its deadline has passed, and the rest at once.
        Duration callTimeout = Duration.ofMillis(100);
        Heard heard = new Heard();
        RateLimiter limiter = answeringWithDeadline("deadline", callTimeout, heard);
        List<RateLimitDecision> timedOut = heard.timedOut;
        List<RateLimitDecision> frozenDecisions = new java.util.ArrayList<>();
        long slowest = 0;
        long fastest = Long.MAX_VALUE;
        redis.pause();
        try {
            for (int i = 0; i < 8; i++) {
                long start = System.nanoTime();
                frozenDecisions.add(i % 2 == 0 ? limiter.tryAcquire("k")
                        : limiter.tryAcquireAsync("k").toCompletableFuture().get(10, TimeUnit.SECONDS));
                long took = System.nanoTime() - start;
                slowest = Math.max(slowest, took);
                fastest = Math.min(fastest, took);
            }
        } finally {
            redis.resume();
        }
        System.out.printf("call timeout %d ms, Redis frozen: calls took %d-%d ms, %d heard as timed out%n",
                callTimeout.toMillis(), fastest / 1_000_000, slowest / 1_000_000, timedOut.size());
        assertThat(frozenDecisions).allSatisfy(d -> {
            assertThat(d.isFallback()).isTrue();
            assertThat(d.source()).isEqualTo(RateLimitDecision.Source.LOCAL);
            assertThat(d.allowed()).isTrue();
        });
        // The first calls waited for Redis until their deadline, not longer (Redisson itself gives up only at ~2 s);
        // the third miss in a row sent the limiter to its fallback, so the calls after it did not wait at all.
        assertThat(timedOut).isNotEmpty().hasSizeLessThan(frozenDecisions.size());
        assertThat(frozenDecisions).contains(timedOut.get(0));
        assertThat(Duration.ofNanos(slowest)).isGreaterThanOrEqualTo(callTimeout).isLessThan(Duration.ofMillis(1000));
        assertThat(Duration.ofNanos(fastest)).isLessThan(callTimeout);

        long resumedAt = System.nanoTime();
        RateLimitDecision after = limiter.tryAcquire("k");
        while (after.source() != RateLimitDecision.Source.REDIS
                && System.nanoTime() - resumedAt < BACK_WITHIN.toNanos()) {
            Thread.sleep(20);
            after = limiter.tryAcquire("k");
        }
        assertThat(after.source()).as("back on Redis within " + BACK_WITHIN).isEqualTo(RateLimitDecision.Source.REDIS);
        assertThat(after.isFallback()).isFalse();
    }

    @Test
    void oneMissedDeadlineAnswersThatCallFromTheFallbackButIsNotAnOutage() throws Exception {
        Heard heard = new Heard();
        RateLimiter limiter = answeringWithDeadline("one-miss", Duration.ofMillis(100), heard);
        List<Boolean> transitions = heard.transitions;
        List<RateLimitDecision> timedOut = heard.timedOut;
        RateLimitDecision missed;
        redis.pause();
        try {
            missed = limiter.tryAcquire("k");
        } finally {
            redis.resume();
        }
        assertThat(missed.isFallback()).isTrue();
        assertThat(timedOut).containsExactly(missed);
        // A busy CPU misses a deadline now and then: that alone must not switch every caller to the fallback.
        assertThat(transitions).as("no switch to the fallback").isEmpty();
        org.awaitility.Awaitility.await().atMost(BACK_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> limiter.tryAcquire("k").source() == RateLimitDecision.Source.REDIS);
        assertThat(transitions).isEmpty();
    }

    private Outage runThroughOutage(String name, FallbackPolicy fallback) throws Exception {
        Heard heard = new Heard();
        List<Boolean> transitions = heard.transitions;
        // Every call must reach Redis or the fallback under test: with denials remembered, the hot key's denials
        // would be answered from memory through the outage (rightly: Redis had denied them), hiding the fallback.
        RateLimiter limiter = RateLimiter.builder().redis(client).fallback(fallback).rememberDenials(false)
                .listener(heard).policy(RateLimitPolicy.of("fallback-" + name, Limit.perHour(30))).build();
        assertThat(limiter.tryAcquire("k").source()).isEqualTo(RateLimitDecision.Source.REDIS);

        // Callers run throughout; Redis is killed under them and restarted while they keep going.
        Outage outage = new Outage();
        long begin = System.nanoTime();
        long deadline = begin + Duration.ofSeconds(20).toNanos();
        Thread[] callers = new Thread[4];
        for (int t = 0; t < callers.length; t++) {
            boolean async = t % 2 == 1;
            callers[t] = new Thread(() -> {
                int calls = 0;
                while (!outage.backOnRedis() && System.nanoTime() < deadline && calls++ < 1_000_000) {
                    try {
                        RateLimitDecision d = async
                                ? limiter.tryAcquireAsync("k").toCompletableFuture().join()
                                : limiter.tryAcquire("k");
                        outage.record(d, System.nanoTime());
                    } catch (Throwable e) {
                        outage.errors.add(e);
                    }
                    // Fallback decisions take a microsecond; pace the callers so they do not burn shared cores.
                    LockSupport.parkNanos(50_000);
                }
            });
            callers[t].start();
        }
        Thread.sleep(300);
        redis.kill();
        Thread.sleep(1500);
        redis.restart();
        outage.restartedAt = System.nanoTime();
        for (Thread caller : callers) {
            caller.join(Duration.ofSeconds(30).toMillis());
        }
        Duration backAfter = Duration.ofNanos(outage.backAt - outage.restartedAt);
        System.out.printf("%s: %d decisions while down (%s), %d allowed, %d errors; back on Redis after %d ms%n",
                fallback, outage.decisions.get(), outage.fallbackSources(), outage.fallbackAllowed.get(),
                outage.errors.size(), backAfter.toMillis());

        assertThat(outage.errors).isEmpty();
        assertThat(outage.fallbackDecisions.get()).isGreaterThan(10);
        assertThat(outage.backOnRedis()).as("back on Redis").isTrue();
        assertThat(backAfter).isLessThan(BACK_WITHIN);
        // One switch to the fallback and one back, however many calls failed in between.
        assertThat(transitions).containsExactly(true, false);
        return outage;
    }

    private static final class Outage {
        volatile long restartedAt = Long.MAX_VALUE;
        volatile long backAt;
        final AtomicInteger decisions = new AtomicInteger();
        final AtomicInteger fallbackDecisions = new AtomicInteger();
        final AtomicInteger fallbackAllowed = new AtomicInteger();
        final Map<RateLimitDecision.Source, AtomicLong> sources = new EnumMap<>(RateLimitDecision.Source.class);
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();

        synchronized void record(RateLimitDecision d, long at) {
            if (d.source() == RateLimitDecision.Source.REDIS) {
                if (at > restartedAt && backAt == 0) {
                    backAt = at;
                }
                return;
            }
            decisions.incrementAndGet();
            sources.computeIfAbsent(d.source(), s -> new AtomicLong()).incrementAndGet();
            if (d.isFallback()) {
                fallbackDecisions.incrementAndGet();
                if (d.allowed()) {
                    fallbackAllowed.incrementAndGet();
                }
            }
        }

        boolean backOnRedis() {
            return backAt != 0;
        }

        synchronized Map<RateLimitDecision.Source, AtomicLong> fallbackSources() {
            return sources;
        }
    }

    /**
     * Waits until {@code limiter}'s decisions come from Redis: the first call sends the script's source (NOSCRIPT),
     * and on a busy machine may itself miss a short call timeout.
     */
    /**
     * A limiter whose calls give up on Redis after {@code callTimeout} (fallback: local, denials not remembered), once
     * it answers from Redis; the calls that timed out while it was getting there are forgotten (a switch to the
     * fallback is not: there should have been none).
     */
    private static RateLimiter answeringWithDeadline(String policy, Duration callTimeout, Heard heard) {
        RateLimiter limiter = RateLimiter.builder().redis(client).fallback(FallbackPolicy.local(3))
                .rememberDenials(false).callTimeout(callTimeout).listener(heard)
                .policy(RateLimitPolicy.of(policy, Limit.perSecond(1000))).build();
        awaitRedisAnswers(limiter);
        heard.timedOut.clear();
        return limiter;
    }

    /** What a limiter's listener heard: its switches to and from the fallback, and the calls past their deadline. */
    private static final class Heard implements RateLimitListener {
        final List<Boolean> transitions = new CopyOnWriteArrayList<>();
        final List<RateLimitDecision> timedOut = new CopyOnWriteArrayList<>();

        @Override
        public void fallbackChanged(String policy, boolean onFallback) {
            transitions.add(onFallback);
        }

        @Override
        public void callTimedOut(String policy, RateLimitDecision fallbackDecision) {
            timedOut.add(fallbackDecision);
        }
    }

    private static void awaitRedisAnswers(RateLimiter limiter) {
        org.awaitility.Awaitility.await().atMost(BACK_WITHIN).pollInterval(Duration.ofMillis(50))
                .until(() -> limiter.tryAcquire("warm").source() == RateLimitDecision.Source.REDIS);
    }
}
