package org.grace.core.ratelimit;

import java.time.Duration;
import java.util.Objects;

/**
 * The answer to one {@code tryAcquire}: whether the request may go on, and what to tell the client.
 *
 * <p>With several limits, {@code limit}, {@code remaining} and {@code resetAfter} describe the binding one: the
 * limit with the fewest permits left, or, on a denial, the one that frees up last. {@code retryAfter} is zero when
 * allowed; when denied it is how long until the same request would be admitted, if nobody else takes the permits
 * first.
 *
 * @param allowed    whether the permits were granted (and taken from every limit of the policy)
 * @param limitName  the name of the binding limit, as in the {@code RateLimit-Policy} header
 * @param limit      the capacity of the binding limit
 * @param remaining  permits left in the binding limit after this decision (0 or more)
 * @param resetAfter how long until the binding limit is full again
 * @param retryAfter zero when allowed; otherwise how long until a retry would be admitted
 * @param source     who decided: Redis (or its lease or remembered denial), the in-memory fallback, or the fail-open /
 *                   fail-closed rule
 */
public record RateLimitDecision(boolean allowed, String limitName, long limit, long remaining, Duration resetAfter,
                                Duration retryAfter, Source source) {

    /** Who made a decision. */
    public enum Source {
        /** The shared state in Redis: exact across instances. */
        REDIS,
        /**
         * A denial Redis made for this key a moment ago, recalled in this instance until its retry-after
         * ({@link RateLimiter.Builder#rememberDenials}): as exact as Redis's, with no round trip.
         */
        REMEMBERED,
        /**
         * A permit this instance took from Redis in advance ({@link RateLimiter.Builder#leases}): counted there, spent
         * here without a round trip.
         */
        LEASED,
        /** The in-memory fallback with this instance's share of the limit (Redis unreachable). */
        LOCAL,
        /** Redis unreachable and the policy is fail-open: allowed without counting. */
        FAIL_OPEN,
        /** Redis unreachable and the policy is fail-closed: denied without counting. */
        FAIL_CLOSED,
        /** An in-memory limiter built without Redis. */
        MEMORY
    }

    public RateLimitDecision {
        Objects.requireNonNull(limitName, "limitName");
        Objects.requireNonNull(resetAfter, "resetAfter");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(source, "source");
        remaining = Math.max(0, remaining);
    }

    /** The decision came from a fallback rather than the shared state in Redis. */
    public boolean isFallback() {
        return source == Source.LOCAL || source == Source.FAIL_OPEN || source == Source.FAIL_CLOSED;
    }

    /**
     * The value of an IETF {@code RateLimit} header (draft-ietf-httpapi-ratelimit-headers):
     * {@code "login";r=3;t=42}, remaining permits and seconds until the binding limit is full again.
     */
    public String rateLimitHeader() {
        return "\"" + limitName + "\";r=" + remaining + ";t=" + ceilSeconds(resetAfter);
    }

    /** A {@code Retry-After} value in whole seconds: rounded up, at least 1 when denied, 0 when allowed. */
    public long retryAfterSeconds() {
        return allowed ? 0 : Math.max(1, ceilSeconds(retryAfter));
    }

    static long ceilSeconds(Duration d) {
        long seconds = d.getSeconds();
        return d.getNano() > 0 ? seconds + 1 : seconds;
    }
}
