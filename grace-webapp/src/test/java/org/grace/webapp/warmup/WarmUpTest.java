package org.grace.webapp.warmup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** When the warm-up's traffic counts as steady; the traffic itself runs against a real instance in HealthIT. */
class WarmUpTest {
    private static Steadiness windows(long... requestsAndFallbacks) {
        Steadiness s = new Steadiness();
        for (int i = 0; i < requestsAndFallbacks.length; i += 2) {
            s.add(requestsAndFallbacks[i], requestsAndFallbacks[i + 1]);
        }
        return s;
    }

    @Test
    void aJvmStillSpeedingUpIsNotSteady() {
        assertThat(windows(3000, 0, 9000, 0, 21000, 0).steady()).isFalse();
        assertThat(windows(3000, 0, 9000, 0, 21000, 0, 22000, 0).steady()).isTrue();
    }

    @Test
    void aColdPlateauBelowTheMinimumOfRequestsIsNotSteady() {
        // Measured on a cold instance: level for a while, far below the thousands a second it reaches once compiled.
        assertThat(windows(90, 0, 166, 0, 184, 0, 200, 0, 205, 0).steady()).isFalse();
        assertThat(windows(9000, 0, 9900, 0, 10000, 0, 10000, 0).steady()).as("past the minimum").isTrue();
    }

    @Test
    void aFallbackInEitherOfTheLastTwoSecondsIsNotSteady() {
        assertThat(windows(20000, 0, 20000, 3, 20000, 0).steady()).isFalse();
        assertThat(windows(20000, 0, 20000, 0, 20000, 1).steady()).isFalse();
        assertThat(windows(20000, 5, 20000, 0, 20000, 0).steady()).isTrue();
    }

    @Test
    void aLevelWarmUpWithOneLuckySecondEarlierIsSteady() {
        // HealthIT's warm-up, second by second (16 connections): level at 1,700-2,000 after a 2,212 seven seconds back.
        long[] seconds = {217, 484, 783, 1194, 1527, 1862, 1794, 1813, 2047, 2029, 1913, 1708, 1993, 2212, 2033, 1829,
            1885, 1778, 1772, 1825};
        Steadiness s = new Steadiness();
        for (long requests : seconds) {
            s.add(requests, 0);
        }
        assertThat(s.steady()).isTrue();
        // One second earlier the 2,033 was among the last five, and 1,772 is more than a tenth below it.
        Steadiness earlier = new Steadiness();
        for (int i = 0; i < seconds.length - 1; i++) {
            earlier.add(seconds[i], 0);
        }
        assertThat(earlier.steady()).isFalse();
    }

    @Test
    void atLeastThreeSecondsAndNoSlumpBelowTheBestRecentSecond() {
        assertThat(windows(20000, 0, 20000, 0).steady()).isFalse();
        assertThat(windows(30000, 0, 15000, 0, 15000, 0).steady()).as("a stall after a good second").isFalse();
        assertThat(windows(0, 0, 0, 0, 0, 0).steady()).as("nothing answered").isFalse();
        assertThat(windows(30000, 0, 28000, 0, 27500, 0).toString()).isEqualTo("30000/0 28000/0 27500/0");
        assertThat(windows(30000, 0, 28000, 0, 27500, 0).steady()).isTrue();
    }
}
