package org.grace.core.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * One limit of a {@link RateLimitPolicy}: a token bucket or a sliding window. A policy may hold several (10 per
 * second and 1000 per hour); a request is admitted only when every one of them admits it.
 *
 * <p><b>Token bucket</b>: holds up to {@code capacity} permits and gains {@code refillTokens} every
 * {@code refillPeriod}, continuously (a bucket of 10 refilled 10 per second gains one permit every 100 ms). It is
 * computed as GCRA: the state is a single "full again at" timestamp in microseconds, so it is exact in integers and
 * one number in the Redis value. A fresh or long idle key starts full: the first {@code capacity} requests pass
 * at once.
 *
 * <p><b>Sliding window</b>: at most {@code limit} requests per {@code window}, counted with two fixed windows where
 * the previous window's count is weighted by how much of it still overlaps the sliding window (the approximation
 * Cloudflare and others use). It needs no per-request log, and unlike a fixed window it does not let a burst of
 * {@code 2 * limit} through across a window boundary. It assumes requests spread evenly over the previous window, so
 * against a true sliding log it can be off either way by the previous window's unevenness.
 */
public final class Limit {
    /** Most permits a limit can hold; beyond this the microsecond arithmetic in doubles would lose exactness. */
    public static final long MAX_CAPACITY = 1_000_000_000L;
    /** Shortest period: below a millisecond the Redis round trip dominates and the limit means nothing. */
    public static final Duration MIN_PERIOD = Duration.ofMillis(1);
    /** Longest period: idle state lives (and Redis keys expire) on this scale; a year is plenty for a quota. */
    public static final Duration MAX_PERIOD = Duration.ofDays(366);
    /**
     * Fastest token bucket refill per second: the arithmetic charges whole microseconds, rounding up, so at this
     * rate a permit may cost up to 10% more than exact (never less); one Redis key cannot serve such a rate anyway.
     */
    public static final long MAX_REFILL_PER_SECOND = 100_000;

    /** The two algorithms. */
    public enum Algorithm { TOKEN_BUCKET, SLIDING_WINDOW }

    private final Algorithm algorithm;
    private final long capacity;
    private final long refillTokens;
    private final Duration period;
    private final String name;

    private Limit(Algorithm algorithm, long capacity, long refillTokens, Duration period, String name) {
        this.algorithm = algorithm;
        this.capacity = capacity;
        this.refillTokens = refillTokens;
        this.period = period;
        this.name = name;
    }

    /** A bucket of {@code capacity} permits gaining {@code refillTokens} each {@code refillPeriod}, continuously. */
    public static Limit tokenBucket(long capacity, long refillTokens, Duration refillPeriod) {
        checkCount("capacity", capacity);
        checkCount("refill tokens", refillTokens);
        checkPeriod("refill period", refillPeriod);
        double perSecond = refillTokens * 1e9 / refillPeriod.toNanos();
        if (perSecond > MAX_REFILL_PER_SECOND) {
            throw new IllegalArgumentException("refill rate must be at most " + MAX_REFILL_PER_SECOND
                    + " per second, got " + refillTokens + " per " + refillPeriod);
        }
        return new Limit(Algorithm.TOKEN_BUCKET, capacity, refillTokens, refillPeriod, null);
    }

    /** A bucket of {@code capacity} permits refilled completely over {@code refillPeriod}: "capacity per period". */
    public static Limit tokenBucket(long capacity, Duration refillPeriod) {
        return tokenBucket(capacity, capacity, refillPeriod);
    }

    /** At most {@code limit} requests in any {@code window} (weighted two-window approximation). */
    public static Limit slidingWindow(long limit, Duration window) {
        checkCount("limit", limit);
        checkPeriod("window", window);
        return new Limit(Algorithm.SLIDING_WINDOW, limit, limit, window, null);
    }

    /** {@code permits} per second as a token bucket (burst of {@code permits}). */
    public static Limit perSecond(long permits) {
        return tokenBucket(permits, Duration.ofSeconds(1));
    }

    /** {@code permits} per minute as a token bucket (burst of {@code permits}). */
    public static Limit perMinute(long permits) {
        return tokenBucket(permits, Duration.ofMinutes(1));
    }

    /** {@code permits} per hour as a token bucket (burst of {@code permits}). */
    public static Limit perHour(long permits) {
        return tokenBucket(permits, Duration.ofHours(1));
    }

    /**
     * This limit with a name for the {@code RateLimit} / {@code RateLimit-Policy} headers; without one it is named
     * after its policy (and its position, when the policy has several).
     */
    public Limit named(String limitName) {
        return new Limit(algorithm, capacity, refillTokens, period, RateLimitPolicy.checkName("limit name", limitName));
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    /** The burst a fresh key gets (token bucket) or the count per window (sliding window). */
    public long capacity() {
        return capacity;
    }

    /** Permits regained per {@link #period()}; equal to {@link #capacity()} for a sliding window. */
    public long refillTokens() {
        return refillTokens;
    }

    /** The refill period (token bucket) or the window (sliding window). */
    public Duration period() {
        return period;
    }

    /** The name given with {@link #named}, or null. */
    public String name() {
        return name;
    }

    /** How long an empty limit takes to admit {@link #capacity()} again: the quota window for the headers. */
    public Duration fullRefill() {
        if (algorithm == Algorithm.SLIDING_WINDOW) {
            return period;
        }
        return Duration.ofNanos(Math.round(period.toNanos() * ((double) capacity / refillTokens)));
    }

    /** Microseconds between two permits of a token bucket. */
    double intervalMicros() {
        return period.toNanos() / 1000.0 / refillTokens;
    }

    long periodMicros() {
        return period.toNanos() / 1000;
    }

    /** This limit scaled to a share of itself (at least one permit), for the per-instance fallback. */
    Limit scaled(double share) {
        if (share >= 1.0) {
            return this;
        }
        long scaledCapacity = Math.max(1, (long) Math.floor(capacity * share));
        if (algorithm == Algorithm.SLIDING_WINDOW) {
            return new Limit(algorithm, scaledCapacity, scaledCapacity, period, name);
        }
        // Keep the refill rate in proportion: scale the tokens, or stretch the period when the tokens would be 0.
        long scaledRefill = (long) Math.floor(refillTokens * share);
        if (scaledRefill >= 1) {
            return new Limit(algorithm, scaledCapacity, scaledRefill, period, name);
        }
        Duration stretched = Duration.ofNanos(Math.round(period.toNanos() / (refillTokens * share)));
        return new Limit(algorithm, scaledCapacity, 1, stretched, name);
    }

    private static void checkCount(String what, long value) {
        if (value <= 0 || value > MAX_CAPACITY) {
            throw new IllegalArgumentException(what + " must be between 1 and " + MAX_CAPACITY + ", got " + value);
        }
    }

    private static void checkPeriod(String what, Duration value) {
        if (value == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (value.compareTo(MIN_PERIOD) < 0 || value.compareTo(MAX_PERIOD) > 0) {
            throw new IllegalArgumentException(what + " must be between " + MIN_PERIOD + " and " + MAX_PERIOD
                    + ", got " + value);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limit other && algorithm == other.algorithm && capacity == other.capacity
                && refillTokens == other.refillTokens && period.equals(other.period)
                && Objects.equals(name, other.name);
    }

    @Override
    public int hashCode() {
        return Objects.hash(algorithm, capacity, refillTokens, period, name);
    }

    @Override
    public String toString() {
        String body = algorithm == Algorithm.TOKEN_BUCKET
                ? "tokenBucket(capacity=" + capacity + ", refill=" + refillTokens + " per " + period + ")"
                : "slidingWindow(limit=" + capacity + " per " + period + ")";
        return name == null ? body : name + ":" + body;
    }
}
