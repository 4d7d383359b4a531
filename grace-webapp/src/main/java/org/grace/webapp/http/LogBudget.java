package org.grace.webapp.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * How many log lines of one kind an instance writes a second: the first {@code perSecond} of each second, and the rest
 * only counted, so that the next line written can say how many were left out. A client in a retry loop, a scanner
 * or an attack on the sign-in can send thousands of refused requests a second; a line for each would make every
 * refusal cost more than a success (issue #15 measured the log line at 9 % of a 429's CPU) and bury the lines an
 * operator needs. The counts of every answer are in the metrics ({@code grace_http_requests} by status).
 *
 * <p>The budget is per second of the ticker and approximate under contention (a few lines over it at a second's
 * turn); a line over it costs two reads and an uncontended add.
 */
final class LogBudget {
    /** Ten a second: enough to see what is being refused and by whom, and at most 864,000 lines a day per kind. */
    static final int DEFAULT_LINES_PER_SECOND = 10;

    private final int perSecond;
    private final LongSupplier nanoTicker;
    private final AtomicLong second = new AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger written = new AtomicInteger();
    private final LongAdder left = new LongAdder();

    LogBudget(int perSecond, LongSupplier nanoTicker) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("a log budget needs at least one line a second, got " + perSecond);
        }
        this.perSecond = perSecond;
        this.nanoTicker = nanoTicker;
    }

    /**
     * Whether a line may be written now: -1 if not (it is counted as left out), else how many lines were left out
     * since the last one written, for this one to say.
     */
    long take() {
        long now = Math.floorDiv(nanoTicker.getAsLong(), 1_000_000_000L);
        long current = second.get();
        if (now > current && second.compareAndSet(current, now)) { // forward only: a late reading is the last second
            written.set(0);
        } else if (written.get() >= perSecond) {
            left.increment();
            return -1;
        }
        if (written.incrementAndGet() > perSecond) {
            left.increment();
            return -1;
        }
        return left.sumThenReset();
    }
}
