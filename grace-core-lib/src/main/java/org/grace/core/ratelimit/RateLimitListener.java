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

    /**
     * A request was admitted; {@code latencyNanos} from the call to the decision. Only a decision whose
     * {@link RateLimitDecision#source() source} is {@code REDIS} made a round trip to Redis.
     */
    default void allowed(String policy, RateLimitDecision decision, long latencyNanos) {
    }

    /** A request was denied; {@code latencyNanos} from the call to the decision. */
    default void denied(String policy, RateLimitDecision decision, long latencyNanos) {
    }

    /**
     * Redis did not answer within the call timeout and {@code fallbackDecision} (also reported to {@link #allowed} or
     * {@link #denied}) is the fallback's instead. A slow Redis shows here; a Redis known to be down does not (its
     * decisions go to the fallback at once, see {@link #fallbackChanged}).
     */
    default void callTimedOut(String policy, RateLimitDecision fallbackDecision) {
    }

    /** The limiter switched to its fallback ({@code true}) or back to Redis ({@code false}). */
    default void fallbackChanged(String policy, boolean onFallback) {
    }
}
