package org.grace.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Permits this instance took from Redis in advance for a busy key, spent here without a round trip (see
 * {@link RateLimiter.Builder#leases}).
 *
 * <p>A lease is an ordinary Redis decision for several permits: Redis takes them all at that instant, so no other
 * instance can have them, and the limit's own arithmetic never admits more than it would have. What changes is when
 * they are spent: here, within the lease's life after Redis took them. Hence the two bounds the builder states:
 * admissions in any interval stay within what the policy allows over that interval stretched by the life, and unspent
 * permits are not given back (a permit returned after its bucket refilled would be counted twice), so an instance
 * whose key went quiet loses at most its last lease's remainder.
 *
 * <p>How many to lease follows the key's demand on this instance: what it spent in the last lease (or between its
 * last two single decisions), over the time that took, for half a life; at least 1, at most the builder's maximum. A
 * key asked for once a second or less never leases; a key whose lease Redis denied (the limit is nearly reached) asks
 * permit by permit for a life, which is exact. Only one lease per key is asked for at a time: callers arriving
 * meanwhile ask for their single permit.
 */
final class Leases {
    private final long maxPermits;
    private final long lifeNanos;
    private final Cache<String, Slot> slots;

    /** One key's lease and what the next one should be. */
    static final class Slot {
        private final AtomicReference<Lease> lease = new AtomicReference<>();
        private final AtomicBoolean renewing = new AtomicBoolean();
        /** Ticker time until which this key asks permit by permit; meaningful while {@code single} is set. */
        private volatile long singleUntil;
        private volatile boolean single;
    }

    /**
     * Permits taken at {@code takenAt}, {@code left} still to spend (a single decision is a lease of one, spent).
     * {@code granted} is Redis's decision for them: what the leased decisions tell the caller.
     */
    private record Lease(long takenAt, long size, AtomicLong left, RateLimitDecision granted) {
    }

    /** A request for one permit on its way to Redis: how many it asks for, and the slot to settle. */
    record Ticket(Slot slot, long size, long askedAt) {
    }

    Leases(long maxPermits, Duration life, long maxKeys) {
        this.maxPermits = maxPermits;
        this.lifeNanos = life.toNanos();
        // A slot outlives its lease a little so that the next request can size its lease on the last one's pace.
        this.slots = Caffeine.newBuilder().maximumSize(maxKeys).expireAfterAccess(life.multipliedBy(4)).build();
    }

    /** A decision on a permit of {@code key}'s live lease, or null when there is none left. */
    RateLimitDecision take(String key, long now) {
        Slot slot = slots.getIfPresent(key);
        if (slot == null) {
            return null;
        }
        Lease lease = slot.lease.get();
        if (lease == null || now - lease.takenAt >= lifeNanos) {
            return null;
        }
        long left = lease.left.decrementAndGet();
        if (left < 0) {
            return null;
        }
        RateLimitDecision g = lease.granted;
        Duration reset = g.resetAfter().minusNanos(now - lease.takenAt);
        return new RateLimitDecision(true, g.limitName(), g.limit(), g.remaining() + left,
                reset.isNegative() ? Duration.ZERO : reset, Duration.ZERO, RateLimitDecision.Source.LEASED);
    }

    /** What to ask Redis for on a request for one permit of {@code key} whose lease (if any) is spent. */
    Ticket begin(String key, long now) {
        Slot slot = slots.get(key, k -> new Slot());
        long size = 1;
        if (slot.single && now - slot.singleUntil < 0) {
            return new Ticket(slot, 1, now);
        }
        Lease last = slot.lease.get();
        if (last != null) {
            long spent = last.size - Math.max(0, last.left.get());
            long took = Math.max(1, Math.min(now - last.takenAt, lifeNanos));
            // The pace of the last lease, for half a life: spent at that pace, the next one lasts half a life.
            double wanted = spent * (lifeNanos / 2.0) / took;
            size = (long) Math.max(1, Math.min(maxPermits, wanted));
        }
        if (size > 1 && !slot.renewing.compareAndSet(false, true)) {
            size = 1; // another caller is leasing for this key: ask for this one permit meanwhile
        }
        return new Ticket(slot, size, now);
    }

    /**
     * Redis's answer {@code d} to {@code t}: the caller's decision, or null when a lease of several permits was denied
     * (the caller must then ask for its single permit, and the key goes permit by permit for a life).
     */
    RateLimitDecision settle(Ticket t, RateLimitDecision d) {
        Slot slot = t.slot;
        if (t.size == 1) {
            if (d.allowed()) {
                // Only the pace matters: a live lease with permits left is not replaced.
                Lease current = slot.lease.get();
                if (current == null || current.left.get() <= 0 || t.askedAt - current.takenAt >= lifeNanos) {
                    slot.lease.compareAndSet(current, new Lease(t.askedAt, 1, new AtomicLong(), d));
                }
            }
            return d;
        }
        try {
            if (!d.allowed()) {
                slot.singleUntil = t.askedAt + lifeNanos;
                slot.single = true;
                return null;
            }
            slot.single = false;
            // Taken from the time of asking: Redis took them later, so the life counts no less than it should.
            slot.lease.set(new Lease(t.askedAt, t.size, new AtomicLong(t.size - 1), d));
            return new RateLimitDecision(true, d.limitName(), d.limit(), d.remaining() + t.size - 1, d.resetAfter(),
                    Duration.ZERO, RateLimitDecision.Source.REDIS);
        } finally {
            slot.renewing.set(false);
        }
    }

    /** {@code t} got no answer from Redis (failure, deadline, outage): the next caller may lease again. */
    void abandon(Ticket t) {
        if (t.size > 1) {
            t.slot.renewing.set(false);
        }
    }
}
