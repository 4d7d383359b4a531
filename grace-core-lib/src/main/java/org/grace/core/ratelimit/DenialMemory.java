package org.grace.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Keys at their limit, remembered in this instance: a denial from Redis until its retry-after, and an admission that
 * left the key without a permit until the next one comes. A key under attack (a password being guessed, a client in
 * a retry loop) then costs Redis about one script call per permit it earns, instead of one per request.
 *
 * <p>This never admits more and never denies what Redis would admit: permits come back only with time, and other
 * instances can only take them, so a key that Redis denied with retry-after {@code R}, or left empty with its next
 * permit {@code R} away, would be denied at any moment before {@code R} (a request for fewer permits than a
 * remembered denial's, or for more than the one permit an emptied key waits for, is not answered here). The deadline counts from when the request was sent, which is
 * before Redis read its clock, so it ends no later than Redis's own; the local ticker measures only that interval,
 * so wall-clock skew does not matter.
 *
 * <p>When the remembered moment passes, the next request for the key goes to Redis, and the requests that come
 * while its call is on the wire wait for that call ({@link #callToAwait}) instead of sending their own: when it
 * answers, the key is usually at its limit again and they are answered from here. Without that, every request
 * arriving during the round trip would have gone to Redis too, only to be denied.
 */
final class DenialMemory {
    /** Long retry-afters (an hourly limit) are re-checked with Redis at least this often. */
    static final Duration MAX_REMEMBERED = Duration.ofMinutes(1);

    /**
     * A key at its limit: denied (as {@code decision} says) until {@code untilNanos} to requests for {@code permits}
     * or more, or for exactly {@code permits} when {@code exactly} (an emptied key's wait is for one permit; more
     * would wait longer); after that, {@code call} is the request that went to Redis for it, which others may wait
     * for.
     */
    private static final class Denial {
        final long sentAtNanos;
        final long untilNanos;
        final long permits;
        final boolean exactly;
        final RateLimitDecision decision;
        final AtomicReference<CompletableFuture<RateLimitDecision>> call = new AtomicReference<>();

        Denial(long sentAtNanos, long untilNanos, long permits, boolean exactly, RateLimitDecision decision) {
            this.sentAtNanos = sentAtNanos;
            this.untilNanos = untilNanos;
            this.permits = permits;
            this.exactly = exactly;
            this.decision = decision;
        }

        boolean answers(long asked) {
            return exactly ? asked == permits : asked >= permits;
        }
    }

    private final Cache<String, Denial> denials;
    private final LongSupplier nanoTicker;

    DenialMemory(long maxKeys, LongSupplier nanoTicker) {
        // Kept past its moment (the key was at its limit a moment ago: see callToAwait), at most this long.
        this.denials = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterWrite(MAX_REMEMBERED).build();
        this.nanoTicker = nanoTicker;
    }

    /** The remembered denial of at most {@code permits} for {@code key}, brought up to date; null if none holds. */
    RateLimitDecision recall(String key, long permits) {
        Denial denial = denials.getIfPresent(key);
        if (denial == null || !denial.answers(permits)) {
            return null;
        }
        long now = nanoTicker.getAsLong();
        long left = denial.untilNanos - now;
        if (left <= 0) {
            return null;
        }
        RateLimitDecision d = denial.decision;
        Duration reset = d.resetAfter().minusNanos(now - denial.sentAtNanos);
        return new RateLimitDecision(false, d.limitName(), d.limit(), d.remaining(),
                reset.isNegative() ? Duration.ZERO : reset, Duration.ofNanos(left), RateLimitDecision.Source.REMEMBERED);
    }

    /**
     * For a request of {@code permits} that {@link #recall} did not answer and that is about to go to Redis: if its
     * key was at its limit a moment ago and another request's call for it is still on the wire, that call's result,
     * to wait for and then recall (and, if the answer was not remembered, to ask here again); otherwise null, and
     * {@code mine} (this request's result, which must complete, as every call's does by its reply or its deadline)
     * becomes the call that later requests wait for. So a key at its limit has one call on the wire at a time.
     */
    CompletableFuture<RateLimitDecision> callToAwait(String key, long permits,
                                                     CompletableFuture<RateLimitDecision> mine) {
        Denial denial = denials.getIfPresent(key);
        if (denial == null || !denial.answers(permits)) {
            return null; // not at its limit: requests for the key do not wait for each other
        }
        while (true) {
            CompletableFuture<RateLimitDecision> current = denial.call.get();
            if (current != null && !current.isDone()) {
                return current;
            }
            if (denial.call.compareAndSet(current, mine)) {
                return null;
            }
        }
    }

    /**
     * Forgets {@code key} after Redis admitted a request sent at {@code sentAtNanos} and left a permit in every limit:
     * the key is not at its limit, so its requests no longer wait for each other's calls. (A remembered denial of
     * several permits goes with it: the next such request asks Redis.)
     */
    void forget(String key, long sentAtNanos) {
        Denial denial = denials.getIfPresent(key);
        if (denial != null && denial.sentAtNanos - sentAtNanos <= 0) {
            denials.asMap().remove(key, denial);
        }
    }

    /**
     * Remembers what Redis decided for a request sent at {@code sentAtNanos}: a denial until its retry-after, or an
     * admission that left the key without a permit until {@code nextPermitNanos} from then (0: a permit is left),
     * as a denial of one permit; {@code decision}'s limit must be the one that waits.
     */
    void remember(String key, long permits, RateLimitDecision decision, long nextPermitNanos, long sentAtNanos) {
        if (decision.source() != RateLimitDecision.Source.REDIS) {
            return;
        }
        if (!decision.allowed()) {
            long retry = decision.retryAfter().toNanos();
            if (retry > 0) {
                denials.put(key, new Denial(sentAtNanos, sentAtNanos + retry, permits, false, decision));
            }
        } else if (nextPermitNanos > 0) {
            // A denial of one permit, as Redis would give it until then (the binding limit is the one that waits:
            // the caller remembers emptied keys of one-limit policies only).
            RateLimitDecision empty = new RateLimitDecision(false, decision.limitName(), decision.limit(), 0,
                    decision.resetAfter(), Duration.ofNanos(nextPermitNanos), RateLimitDecision.Source.REDIS);
            denials.put(key, new Denial(sentAtNanos, sentAtNanos + nextPermitNanos, 1, true, empty));
        }
    }
}
