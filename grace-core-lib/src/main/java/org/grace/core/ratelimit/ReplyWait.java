package org.grace.core.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How a blocking {@code tryAcquire} waits for Redis's reply: a caller whose decision went out alone, on an otherwise
 * idle limiter, first spins for a short while, yielding its CPU to any thread that wants it, and parks only if the
 * reply has not come by then.
 *
 * <p>Why: a parked thread is woken by the thread that handles the reply (a futex wake-up, and on a virtual machine
 * often an idle CPU brought back by an interrupt), which on the benchmark machine costs as much as a third of a
 * loopback round trip. A spinning thread sees the reply the moment it lands. It pays only where it is cheap: for a
 * lone caller the reply's handling and Redis run one after the other, so a second CPU is free; callers that queue
 * behind other decisions park at once, and so does every caller once spinning stopped paying.
 *
 * <p>Bounds, so that spinning never costs more than it can save:
 * <ul>
 *   <li>at most {@code spinNanos} per decision; </li>
 *   <li>at most one spinning thread per spare CPU in the JVM, across all limiters (none on one CPU); </li>
 *   <li>a limiter whose reply did not come within the spin stops spinning until a reply comes within it again (a
 *       Redis across a slow network is never spun for): its parked waits are timed to notice.</li>
 * </ul>
 */
final class ReplyWait {
    /** The JVM's spinning threads, shared by every limiter: spinning takes a CPU, and the CPUs are shared. */
    private static final AtomicInteger SPINNERS = new AtomicInteger();
    private static final int SPARE_CPUS = Runtime.getRuntime().availableProcessors() - 1;

    private final long spinNanos;
    private final AtomicInteger spinners;
    private final int maxSpinners;
    /** Whether the last timed wait of this limiter ended within {@link #spinNanos}. */
    private volatile boolean spinPays = true;

    ReplyWait(long spinNanos) {
        this(spinNanos, SPINNERS, SPARE_CPUS);
    }

    ReplyWait(long spinNanos, AtomicInteger spinners, int maxSpinners) {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("spin time must not be negative, got " + spinNanos + " ns");
        }
        this.spinNanos = spinNanos;
        this.spinners = spinners;
        this.maxSpinners = maxSpinners;
    }

    /**
     * The reply, waiting for it as described above.
     *
     * @param alone        whether the decision went to Redis on its own while nothing else of this limiter was in
     *                     flight
     * @param timeoutNanos the longest wait, spinning included
     * @throws TimeoutException when the reply has not come within {@code timeoutNanos}
     */
    <T> T await(CompletableFuture<T> reply, boolean alone, long timeoutNanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        long start = System.nanoTime();
        if (!alone || spinNanos == 0 || reply.isDone()) {
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        }
        if (spinPays && claimSpinner()) {
            try {
                while (!reply.isDone()) {
                    long spun = System.nanoTime() - start;
                    if (spun > spinNanos) {
                        spinPays = false;
                        break;
                    }
                    if (spun > timeoutNanos) {
                        break;
                    }
                    Thread.yield();
                }
            } finally {
                spinners.decrementAndGet();
            }
            return reply.get(Math.max(0, timeoutNanos - (System.nanoTime() - start)), TimeUnit.NANOSECONDS);
        }
        T value = reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        if (!spinPays && System.nanoTime() - start <= spinNanos) {
            spinPays = true;
        }
        return value;
    }

    /** Whether spinning is on for this limiter now; for tests. */
    boolean spinPays() {
        return spinPays;
    }

    private boolean claimSpinner() {
        for (int taken = spinners.get(); taken < maxSpinners; taken = spinners.get()) {
            if (spinners.compareAndSet(taken, taken + 1)) {
                return true;
            }
        }
        return false;
    }
}
