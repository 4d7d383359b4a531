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
        assertThat(windows(300, 0, 900, 0, 2100, 0).steady()).isFalse();
        assertThat(windows(300, 0, 900, 0, 2100, 0, 2200, 0).steady()).isTrue();
    }

    @Test
    void aFallbackInEitherOfTheLastTwoSecondsIsNotSteady() {
        assertThat(windows(2000, 0, 2000, 3, 2000, 0).steady()).isFalse();
        assertThat(windows(2000, 0, 2000, 0, 2000, 1).steady()).isFalse();
        assertThat(windows(2000, 5, 2000, 0, 2000, 0).steady()).isTrue();
    }

    @Test
    void atLeastThreeSecondsAndNoSlumpBelowTheBestSecond() {
        assertThat(windows(2000, 0, 2000, 0).steady()).isFalse();
        assertThat(windows(3000, 0, 1500, 0, 1500, 0).steady()).as("a stall after a good second").isFalse();
        assertThat(windows(0, 0, 0, 0, 0, 0).steady()).as("nothing answered").isFalse();
        assertThat(windows(3000, 0, 2800, 0, 2750, 0).toString()).isEqualTo("3000/0 2800/0 2750/0");
        assertThat(windows(3000, 0, 2800, 0, 2750, 0).steady()).isTrue();
    }
}
