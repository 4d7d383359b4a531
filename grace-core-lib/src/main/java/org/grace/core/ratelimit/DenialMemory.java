package org.grace.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Denials from Redis remembered in this instance until their retry-after, so that a key under attack (a password
 * being guessed, a client in a retry loop) costs Redis one script call per retry-after instead of one per request.
 *
 * <p>This never admits more and never denies what Redis would admit: permits come back only with time, and other
 * instances can only take them, so a request that Redis denied with retry-after {@code R} would be denied again at
 * any moment before {@code R} (unless fewer permits are asked for, which this does not answer). The deadline counts
 * from when the request was sent, which is before Redis read its clock, so it ends no later than Redis's own; the
 * local ticker measures only that interval, so wall-clock skew does not matter.
 */
final class DenialMemory {
    /** Long retry-afters (an hourly limit) are re-checked with Redis at least this often. */
    static final Duration MAX_REMEMBERED = Duration.ofMinutes(1);

    private record Denial(long sentAtNanos, long untilNanos, long permits, RateLimitDecision decision) {
    }

    private final Cache<String, Denial> denials;
    private final LongSupplier nanoTicker;

    DenialMemory(long maxKeys, LongSupplier nanoTicker) {
        this.denials = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterWrite(MAX_REMEMBERED).build();
        this.nanoTicker = nanoTicker;
    }

    /** The remembered denial of at most {@code permits} for {@code key}, brought up to date; null if none holds. */
    RateLimitDecision recall(String key, long permits) {
        Denial denial = denials.getIfPresent(key);
        if (denial == null || permits < denial.permits) {
            return null;
        }
        long now = nanoTicker.getAsLong();
        long left = denial.untilNanos - now;
        if (left <= 0) {
            denials.asMap().remove(key, denial);
            return null;
        }
        RateLimitDecision d = denial.decision;
        Duration reset = d.resetAfter().minusNanos(now - denial.sentAtNanos);
        return new RateLimitDecision(false, d.limitName(), d.limit(), d.remaining(),
                reset.isNegative() ? Duration.ZERO : reset, Duration.ofNanos(left), RateLimitDecision.Source.REMEMBERED);
    }

    /** Remembers a denial that Redis made for a request sent at {@code sentAtNanos}. */
    void remember(String key, long permits, RateLimitDecision decision, long sentAtNanos) {
        if (decision.allowed() || decision.source() != RateLimitDecision.Source.REDIS) {
            return;
        }
        long retry = decision.retryAfter().toNanos();
        if (retry > 0) {
            denials.put(key, new Denial(sentAtNanos, sentAtNanos + retry, permits, decision));
        }
    }
}
