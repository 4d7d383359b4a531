package org.grace.core.ratelimit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Gathers the decisions callers ask for while earlier ones are on their way to Redis into one script call.
 *
 * <p>At most {@code maxInFlight} batches are on the wire at once. A caller that finds a free slot sends at once, so a
 * lone caller is never made to wait for company: its batch is itself. Callers that find every slot taken leave their
 * decision in the queue, and whoever frees a slot (the reply of an earlier batch) sends everything queued, up to
 * {@code maxBatch}, as the next batch. Under load a batch therefore holds about as many decisions as arrived during one
 * round trip, and Redis and the client pay their per-call costs (a network read and write, a script invocation, the
 * client's command bookkeeping) once per batch instead of once per decision.
 *
 * <p>No decision is left behind: a caller queues before it looks at the slots, and a finished batch frees its slot
 * before it looks at the queue, so of two racing threads at least one sees the other's work.
 *
 * @param <T> a queued decision, whatever the sender needs to send and answer it
 */
final class DecisionBatcher<T> {
    private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final int maxInFlight;
    private final int maxBatch;
    private final Consumer<List<T>> sender;

    /**
     * @param sender sends a batch (never empty) and calls {@link #finished()} exactly once when its reply or failure
     *               has been handled; it must not throw
     */
    DecisionBatcher(int maxInFlight, int maxBatch, Consumer<List<T>> sender) {
        if (maxInFlight < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("batches in flight and batch size must be positive, got "
                    + maxInFlight + " and " + maxBatch);
        }
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.sender = Objects.requireNonNull(sender);
    }

    /**
     * Queues {@code item}; sends it, with whatever else is queued, if a slot is free.
     *
     * @return whether {@code item} went out on its own while no other batch was in flight: a lone caller
     */
    boolean submit(T item) {
        queue.add(item);
        return sendQueued(item);
    }

    /** Frees the slot of a batch whose reply has been handled, and sends what queued meanwhile. */
    void finished() {
        inFlight.decrementAndGet();
        sendQueued(null);
    }

    private boolean sendQueued(T mine) {
        boolean alone = false;
        while (!queue.isEmpty()) {
            int taken = inFlight.get();
            if (taken >= maxInFlight) {
                return alone; // a batch in flight sends the queue when it finishes
            }
            if (!inFlight.compareAndSet(taken, taken + 1)) {
                continue;
            }
            List<T> batch = new ArrayList<>(Math.min(maxBatch, 16));
            T item;
            while (batch.size() < maxBatch && (item = queue.poll()) != null) {
                batch.add(item);
            }
            if (batch.isEmpty()) {
                inFlight.decrementAndGet(); // another thread sent them first; look again
                continue;
            }
            alone |= taken == 0 && batch.size() == 1 && batch.get(0) == mine;
            sender.accept(batch);
        }
        return alone;
    }
}
