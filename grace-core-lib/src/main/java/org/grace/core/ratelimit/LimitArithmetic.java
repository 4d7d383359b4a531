package org.grace.core.ratelimit;

import java.util.Arrays;
import java.util.List;

/**
 * The decision arithmetic of a policy, in Java for the in-memory limiter; {@link RateLimitScript} is the same
 * arithmetic in Lua, line for line, so a key behaves the same on Redis and on the fallback.
 *
 * <p>Time is integer microseconds. State is three longs per limit. A token bucket keeps one: its GCRA "theoretical
 * arrival time" {@code tat}, the instant the bucket is full again (rounded up to the microsecond, so rounding never
 * admits more). A sliding window keeps the current window's number and the previous and current counts. All limits
 * are checked first; only when every one admits are they all updated, so a denial consumes nothing.
 */
final class LimitArithmetic {
    static final int ALLOWED = 0;
    static final int BINDING = 1;
    static final int REMAINING = 2;
    static final int RESET_MICROS = 3;
    static final int RETRY_MICROS = 4;
    static final int TTL_MICROS = 5;

    /** Absorbs floating error when turning a fractional count into whole permits. */
    private static final double EPSILON = 1e-9;

    private final boolean[] tokenBucket;
    /** Token bucket: capacity; sliding window: limit. */
    private final double[] a;
    /** Token bucket: microseconds per permit; sliding window: window in microseconds. */
    private final double[] b;

    LimitArithmetic(List<Limit> limits) {
        int n = limits.size();
        tokenBucket = new boolean[n];
        a = new double[n];
        b = new double[n];
        for (int i = 0; i < n; i++) {
            Limit limit = limits.get(i);
            tokenBucket[i] = limit.algorithm() == Limit.Algorithm.TOKEN_BUCKET;
            a[i] = limit.capacity();
            b[i] = tokenBucket[i] ? limit.intervalMicros() : limit.periodMicros();
        }
    }

    int size() {
        return a.length;
    }

    long[] newState() {
        long[] state = new long[3 * a.length];
        Arrays.fill(state, -1);
        return state;
    }

    /**
     * Decides {@code permits} at {@code now} against {@code state}, updating it only when allowed. Returns
     * {allowed (0/1), binding limit index, remaining, reset-after µs, retry-after µs, state TTL µs}.
     */
    long[] decide(long[] state, long now, long permits) {
        int n = a.length;
        boolean[] ok = new boolean[n];
        double[] rem = new double[n];
        double[] reset = new double[n];
        double[] retry = new double[n];
        long[] next = state.clone();
        boolean all = true;
        double ttl = 0;
        for (int i = 0; i < n; i++) {
            if (tokenBucket[i]) {
                double cap = a[i] * b[i];
                double tat = state[3 * i] < 0 ? 0 : state[3 * i];
                double base = Math.max(tat, now);
                double newTat = Math.ceil(base + permits * b[i]);
                if (newTat - now <= cap) {
                    ok[i] = true;
                    rem[i] = Math.floor((cap - (newTat - now)) / b[i] + EPSILON);
                    reset[i] = newTat - now;
                    next[3 * i] = (long) newTat;
                    ttl = Math.max(ttl, newTat - now);
                } else {
                    all = false;
                    rem[i] = Math.floor((cap - (base - now)) / b[i] + EPSILON);
                    reset[i] = base - now;
                    retry[i] = Math.ceil(newTat - now - cap);
                }
            } else {
                long w = (long) b[i];
                long idx = Math.floorDiv(now, w);
                long prev = state[3 * i + 1] < 0 ? 0 : state[3 * i + 1];
                long curr = state[3 * i + 2] < 0 ? 0 : state[3 * i + 2];
                long storedIdx = state[3 * i];
                if (storedIdx != idx) {
                    prev = storedIdx == idx - 1 ? curr : 0;
                    curr = 0;
                }
                double f = (double) (now - idx * w) / w;
                double est = prev * (1 - f) + curr;
                if (est + permits <= a[i]) {
                    ok[i] = true;
                    curr += permits;
                    rem[i] = Math.floor(a[i] - est - permits + EPSILON);
                    reset[i] = (idx + 2) * w - now;
                    next[3 * i] = idx;
                    next[3 * i + 1] = prev;
                    next[3 * i + 2] = curr;
                    ttl = Math.max(ttl, reset[i]);
                } else {
                    all = false;
                    rem[i] = Math.floor(a[i] - est + EPSILON);
                    reset[i] = curr > 0 ? (idx + 2) * w - now : prev > 0 ? (idx + 1) * w - now : 0;
                    if (curr + permits <= a[i]) {
                        // Later in this window: the previous window's weight falls until the estimate fits.
                        double needed = 1 - (a[i] - permits - curr) / prev;
                        retry[i] = Math.ceil((needed - f) * w) + 1;
                    } else {
                        // Only in the next window, once enough of this window's count has slid out.
                        double g = 1 - (a[i] - permits) / curr;
                        retry[i] = Math.ceil((idx + 1) * w + g * w - now) + 1;
                    }
                }
            }
        }
        long[] out = new long[6];
        if (all) {
            System.arraycopy(next, 0, state, 0, next.length);
            int binding = 0;
            for (int i = 1; i < n; i++) {
                if (rem[i] < rem[binding]) {
                    binding = i;
                }
            }
            out[ALLOWED] = 1;
            out[BINDING] = binding;
            out[REMAINING] = (long) rem[binding];
            out[RESET_MICROS] = (long) reset[binding];
            out[TTL_MICROS] = (long) ttl;
        } else {
            int binding = -1;
            double minRem = Double.MAX_VALUE;
            for (int i = 0; i < n; i++) {
                if (!ok[i] && (binding < 0 || retry[i] > retry[binding])) {
                    binding = i;
                }
                minRem = Math.min(minRem, rem[i]);
            }
            out[BINDING] = binding;
            out[REMAINING] = (long) Math.max(0, minRem);
            out[RESET_MICROS] = (long) reset[binding];
            out[RETRY_MICROS] = (long) retry[binding];
        }
        return out;
    }
}
