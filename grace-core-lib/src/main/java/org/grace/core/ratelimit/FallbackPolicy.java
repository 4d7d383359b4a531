package org.grace.core.ratelimit;

import java.time.Duration;

/**
 * What a Redis-backed limiter decides while Redis cannot be reached.
 *
 * <ul>
 *   <li>{@link #failOpen()}: admit everything. For limits that protect nothing critical (an API courtesy limit),
 *       where turning users away because Redis blinked is worse than a burst.</li>
 *   <li>{@link #failClosed()}: deny everything. For limits that must never be exceeded, at the cost of an outage.</li>
 *   <li>{@link #local(int)} / {@link #localShare(double)}: the same limits counted in memory on each instance, each
 *       instance allowed its share (with three instances, a third). The global limit then holds approximately,
 *       as long as the load balancer spreads keys evenly. The usual choice for login throttling.</li>
 * </ul>
 *
 * A value: two policies made the same way are equal.
 *
 * @param mode what the limiter does while Redis is down
 * @param share the fraction of each limit this instance counts in memory ({@link Mode#LOCAL}; 1.0 for the others)
 * @param retryAfter the Retry-After of a fail-closed denial ({@link Mode#FAIL_CLOSED}; zero for the others)
 */
public record FallbackPolicy(Mode mode, double share, Duration retryAfter) {
    /** Retry-After of a fail-closed denial: about when the next probe will have found a returning Redis. */
    public static final Duration DEFAULT_FAIL_CLOSED_RETRY_AFTER = Duration.ofSeconds(1);

    /** The three modes. */
    public enum Mode { FAIL_OPEN, FAIL_CLOSED, LOCAL }

    /**
     * A policy as the factories below make it; direct use must give the same consistent triple: a mode, a share in
     * (0, 1] (counted only by {@link Mode#LOCAL}), and a retry-after of zero or more (sent only by
     * {@link Mode#FAIL_CLOSED}).
     */
    public FallbackPolicy {
        if (mode == null) {
            throw new IllegalArgumentException("fallback mode must be set");
        }
        if (!(share > 0.0 && share <= 1.0)) {
            throw new IllegalArgumentException("local share must be in (0, 1], got " + share);
        }
        if (retryAfter == null || retryAfter.isNegative()) {
            throw new IllegalArgumentException("fail-closed retry-after must be zero or positive, got " + retryAfter);
        }
    }

    /** Admit every request while Redis is down. */
    public static FallbackPolicy failOpen() {
        return new FallbackPolicy(Mode.FAIL_OPEN, 1.0, Duration.ZERO);
    }

    /** Deny every request while Redis is down, with {@link #DEFAULT_FAIL_CLOSED_RETRY_AFTER}. */
    public static FallbackPolicy failClosed() {
        return failClosed(DEFAULT_FAIL_CLOSED_RETRY_AFTER);
    }

    /** Deny every request while Redis is down, telling clients to retry after {@code retryAfter}. */
    public static FallbackPolicy failClosed(Duration retryAfter) {
        return new FallbackPolicy(Mode.FAIL_CLOSED, 1.0, retryAfter);
    }

    /** Count in memory, each of {@code expectedInstances} instances allowed that fraction of each limit. */
    public static FallbackPolicy local(int expectedInstances) {
        if (expectedInstances <= 0) {
            throw new IllegalArgumentException("expected instances must be positive, got " + expectedInstances);
        }
        return new FallbackPolicy(Mode.LOCAL, 1.0 / expectedInstances, Duration.ZERO);
    }

    /** Count in memory, this instance allowed {@code share} (0 < share <= 1) of each limit (at least one permit). */
    public static FallbackPolicy localShare(double share) {
        return new FallbackPolicy(Mode.LOCAL, share, Duration.ZERO);
    }

    @Override
    public String toString() {
        return switch (mode) {
            case FAIL_OPEN -> "failOpen";
            case FAIL_CLOSED -> "failClosed(retryAfter=" + retryAfter + ")";
            case LOCAL -> "local(share=" + share + ")";
        };
    }
}
