package org.grace.benchmarks.ratelimit;

/**
 * Latencies in nanoseconds, counted in log-linear buckets (64 per power of two, so any value is within 1.6% of
 * its bucket's lower bound): the HdrHistogram idea in a few lines, one per caller thread, merged at the end.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 6;
    private static final int SUB_MASK = (1 << SUB_BITS) - 1;

    private final long[] counts = new long[64 << SUB_BITS];
    private long total;

    void record(long nanos) {
        counts[index(Math.max(0, nanos))]++;
        total++;
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
    }

    long count() {
        return total;
    }

    /** The value at {@code quantile} (0-1], as the middle of its bucket. */
    long quantile(double quantile) {
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return middle(i);
            }
        }
        return 0;
    }

    static int index(long value) {
        if (value <= SUB_MASK) {
            return (int) value;
        }
        int msb = 63 - Long.numberOfLeadingZeros(value);
        int shift = msb - SUB_BITS;
        int sub = (int) (value >>> shift) & SUB_MASK;
        return ((shift + 1) << SUB_BITS) + sub;
    }

    static long middle(int index) {
        int bucket = index >>> SUB_BITS;
        int sub = index & SUB_MASK;
        if (bucket == 0) {
            return sub;
        }
        int shift = bucket - 1;
        long lower = ((long) ((1 << SUB_BITS) | sub)) << shift;
        return lower + ((1L << shift) >>> 1);
    }
}
