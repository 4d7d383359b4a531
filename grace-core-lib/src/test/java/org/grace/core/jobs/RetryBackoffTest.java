package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {
    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), new Random(7));

    @Test
    void eachAttemptWaitsBetweenHalfAndAllOfTheDoubledDelay() {
        for (int attempt = 1; attempt <= 6; attempt++) {
            long ceiling = 1000L << (attempt - 1);
            for (int i = 0; i < 200; i++) {
                assertThat(backoff.delayAfter(attempt).toMillis()).isBetween(ceiling / 2, ceiling);
            }
        }
    }

    @Test
    void theDelayStopsGrowingAtTheMaximum() {
        for (int attempt : new int[] {7, 10, 40, 63, 64, 1000, Integer.MAX_VALUE}) {
            assertThat(backoff.delayAfter(attempt)).isBetween(Duration.ofSeconds(30), Duration.ofMinutes(1));
        }
    }

    @Test
    void theJitterSpreadsRetriesOfJobsThatFailedTogether() {
        Set<Duration> delays = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            delays.add(backoff.delayAfter(3));
        }
        assertThat(delays).hasSizeGreaterThan(40);
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        RetryBackoff a = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(1));
        RetryBackoff b = new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(10), new Random(1));
        for (int attempt = 1; attempt < 10; attempt++) {
            assertThat(a.delayAfter(attempt)).isEqualTo(b.delayAfter(attempt));
        }
    }
}
