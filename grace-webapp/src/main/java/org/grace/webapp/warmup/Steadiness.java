package org.grace.webapp.warmup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Whether the warm-up's traffic has levelled off: per {@link #WINDOW}, the requests answered and the Redis fallbacks
 * counted. Steady after at least {@link #MIN_WINDOWS} windows and {@link #MIN_REQUESTS} requests when the last {@link #QUIET_WINDOWS} had no fallback
 * and the last one's requests are within a tenth ({@link #LEVEL}) of the one before, either way, and no lower than
 * that below the best of the last {@link #RECENT}: a JVM still compiling speeds up from second to second, and its
 * missed Redis deadlines show as fallbacks.
 */
final class Steadiness {
    static final Duration WINDOW = Duration.ofSeconds(1);
    /** Three seconds at the least: the first is the connections' start, the next two the comparison. */
    static final int MIN_WINDOWS = 3;
    /**
     * Requests at the least: the JIT compiles a method fully after about ten thousand calls, and a cold instance
     * levels off for a while at a rate far below its warm one (measured: 90, 166, 184, 200 requests a second, then
     * thousands once compiled).
     */
    static final long MIN_REQUESTS = 30_000;
    /** Windows in a row without a Redis fallback. */
    static final int QUIET_WINDOWS = 2;
    /** A tenth: the second-to-second noise of a warm instance on a busy machine, measured, is smaller. */
    static final double LEVEL = 0.9;
    /**
     * Windows the last one is held against for a slump: a few, not all, since one lucky second early on (measured:
     * 2,212 requests among seconds of 1,700-2,000) would otherwise keep a level warm-up from ever counting as steady.
     */
    static final int RECENT = 5;

    private final List<long[]> windows = new ArrayList<>();

    void add(long requests, long fallbacks) {
        windows.add(new long[] {requests, fallbacks});
    }

    int windows() {
        return windows.size();
    }

    boolean steady() {
        int n = windows.size();
        if (n < MIN_WINDOWS || windows.stream().mapToLong(w -> w[0]).sum() < MIN_REQUESTS) {
            return false;
        }
        for (int i = n - QUIET_WINDOWS; i < n; i++) {
            if (windows.get(i)[1] > 0) {
                return false;
            }
        }
        long last = windows.get(n - 1)[0];
        long before = windows.get(n - 2)[0];
        long best = windows.subList(Math.max(0, n - RECENT), n).stream().mapToLong(w -> w[0]).max().orElse(0);
        // Within a tenth of the second before, either way (still rising fast is still compiling), and of the best.
        return last > 0 && last >= LEVEL * before && before >= LEVEL * last && last >= LEVEL * best;
    }

    /** The windows as {@code requests/fallbacks}, oldest first. */
    @Override
    public String toString() {
        return windows.stream().map(w -> w[0] + "/" + w[1]).collect(Collectors.joining(" "));
    }
}
