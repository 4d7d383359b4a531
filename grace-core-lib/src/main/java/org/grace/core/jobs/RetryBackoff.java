package org.grace.core.jobs;

import java.time.Duration;
import java.util.Random;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of {@code base * 2^(n-1)},
 * capped at {@code max}. The random half spreads retries of jobs that failed together (a dependency was down)
 * so they do not all come back in the same second.
 */
final class RetryBackoff {
    private final long baseMillis;
    private final long maxMillis;
    private final Random random;

    RetryBackoff(Duration base, Duration max, Random random) {
        this.baseMillis = base.toMillis();
        this.maxMillis = max.toMillis();
        this.random = random;
    }

    /** The wait before the retry that follows failed attempt {@code attempt} (1-based). */
    Duration delayAfter(int attempt) {
        int shift = Math.min(Math.max(attempt - 1, 0), 40);
        long ceiling = baseMillis << shift;
        if (ceiling <= 0 || ceiling > maxMillis || (baseMillis != 0 && ceiling >> shift != baseMillis)) {
            ceiling = maxMillis;
        }
        long half = ceiling / 2;
        long jitter;
        synchronized (random) {
            jitter = half == 0 ? 0 : (long) (random.nextDouble() * (ceiling - half + 1));
        }
        return Duration.ofMillis(Math.min(ceiling, half + jitter));
    }
}
