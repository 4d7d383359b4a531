package org.grace.core.ratelimit;

/**
 * Hears every decision and every switch to and from the fallback, for metrics (the web application bridges it to
 * MicroProfile Metrics). Called on the deciding thread, which may be a Redis I/O thread: keep it to counters and
 * histograms. An exception thrown here is logged and otherwise ignored.
 */
public interface RateLimitListener {
    /** A listener that does nothing. */
    RateLimitListener NONE = new RateLimitListener() {
    };

    /** A request was admitted; {@code latencyNanos} from the call to the decision. */
    default void allowed(String policy, RateLimitDecision decision, long latencyNanos) {
    }

    /** A request was denied; {@code latencyNanos} from the call to the decision. */
    default void denied(String policy, RateLimitDecision decision, long latencyNanos) {
    }

    /** The limiter switched to its fallback ({@code true}) or back to Redis ({@code false}). */
    default void fallbackChanged(String policy, boolean onFallback) {
    }
}
