package org.grace.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;

/**
 * The in-memory limiter: {@link LimitArithmetic} over a bounded Caffeine map of per-key state, timed by the injected
 * clock. It serves as the fallback of the Redis limiter (with this instance's share of each limit) and as a plain
 * limiter for a single-instance application.
 *
 * <p>A key's entry expires after it has been idle as long as its limits take to refill completely, when a fresh
 * entry would decide the same; so eviction by idleness changes no decision. Eviction by size (beyond the map's
 * bound) does: the evicted key starts full again. The bound is there so a flood of distinct keys cannot exhaust
 * the heap.
 */
final class LocalRateLimiter implements RateLimiter {
    private final RateLimitPolicy policy;
    private final LimitArithmetic arithmetic;
    private final Clock clock;
    private final RateLimitDecision.Source source;
    private final Cache<String, long[]> states;
    private final ListenerCalls listener;
    private final LongSupplier nanoTicker;

    LocalRateLimiter(RateLimitPolicy policy, Clock clock, long maxKeys, RateLimitDecision.Source source,
                     RateLimitListener listener, LongSupplier nanoTicker) {
        this.policy = policy;
        this.listener = new ListenerCalls(listener, policy.name());
        this.nanoTicker = nanoTicker;
        this.arithmetic = new LimitArithmetic(policy.limits());
        this.clock = clock;
        this.source = source;
        Duration idle = Duration.ZERO;
        for (Limit limit : policy.limits()) {
            Duration full = limit.algorithm() == Limit.Algorithm.TOKEN_BUCKET
                    ? limit.fullRefill() : limit.period().multipliedBy(2);
            idle = full.compareTo(idle) > 0 ? full : idle;
        }
        this.states = Caffeine.newBuilder()
                .ticker(() -> micros(clock.instant()) * 1000)
                .expireAfterAccess(idle.plusMillis(1))
                .maximumSize(maxKeys)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public RateLimitDecision tryAcquire(String key, long permits) {
        Keys.check(policy, key, permits);
        long start = nanoTicker.getAsLong();
        RateLimitDecision decision = decide(key, permits);
        return listener.decided(decision, nanoTicker.getAsLong() - start);
    }

    @Override
    public CompletionStage<RateLimitDecision> tryAcquireAsync(String key, long permits) {
        return CompletableFuture.completedFuture(tryAcquire(key, permits));
    }

    @Override
    public RateLimitPolicy policy() {
        return policy;
    }

    /** Decides for already validated input; a request beyond this (possibly scaled) policy is denied. */
    RateLimitDecision decide(String key, long permits) {
        if (permits > policy.maxPermits()) {
            Limit first = policy.limits().get(0);
            Duration retry = FallbackPolicy.DEFAULT_FAIL_CLOSED_RETRY_AFTER;
            return new RateLimitDecision(false, policy.limitName(0), first.capacity(), 0, Duration.ZERO, retry,
                    source);
        }
        long[] state = states.get(key, k -> arithmetic.newState());
        long[] out;
        synchronized (state) {
            out = arithmetic.decide(state, micros(clock.instant()), permits);
        }
        return toDecision(policy, out, source);
    }

    long estimatedKeys() {
        states.cleanUp();
        return states.estimatedSize();
    }

    static RateLimitDecision toDecision(RateLimitPolicy policy, long[] out, RateLimitDecision.Source source) {
        int binding = (int) out[LimitArithmetic.BINDING];
        return new RateLimitDecision(out[LimitArithmetic.ALLOWED] == 1, policy.limitName(binding),
                policy.limits().get(binding).capacity(), out[LimitArithmetic.REMAINING],
                Duration.ofNanos(out[LimitArithmetic.RESET_MICROS] * 1000),
                Duration.ofNanos(out[LimitArithmetic.RETRY_MICROS] * 1000), source);
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1000;
    }
}
