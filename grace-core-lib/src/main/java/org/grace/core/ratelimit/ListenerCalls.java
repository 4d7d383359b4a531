package org.grace.core.ratelimit;

import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One limiter's calls of its {@link RateLimitListener}: a decision goes to {@code allowed} or {@code denied} with its
 * latency, and an exception the listener throws is logged once per limiter and otherwise ignored, so that metrics can
 * never change or delay a decision.
 */
final class ListenerCalls {
    private static final System.Logger LOG = System.getLogger(RateLimiter.class.getName());

    private final RateLimitListener listener;
    private final String policy;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    ListenerCalls(RateLimitListener listener, String policy) {
        this.listener = listener;
        this.policy = policy;
    }

    /** Tells the listener of {@code decision}, made {@code latencyNanos} after the call; returns the decision. */
    RateLimitDecision decided(RateLimitDecision decision, long latencyNanos) {
        if (listener == RateLimitListener.NONE) {
            return decision;
        }
        try {
            if (decision.allowed()) {
                listener.allowed(policy, decision, latencyNanos);
            } else {
                listener.denied(policy, decision, latencyNanos);
            }
        } catch (RuntimeException e) {
            failed(e);
        }
        return decision;
    }

    void callTimedOut(RateLimitDecision fallbackDecision) {
        try {
            listener.callTimedOut(policy, fallbackDecision);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    void fallbackChanged(boolean onFallback) {
        try {
            listener.fallbackChanged(policy, onFallback);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    private void failed(RuntimeException e) {
        if (failureLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, "grace ratelimit " + policy + ": listener threw; ignored (logged once)", e);
        }
    }
}
