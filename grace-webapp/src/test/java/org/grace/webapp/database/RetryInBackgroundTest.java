package org.grace.webapp.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The start-up steps' retry: at once, then every period until the step is done, and never after a stop. */
class RetryInBackgroundTest {

    @Test
    void aStepDoneAtOnceIsNotRetried() throws InterruptedException {
        AtomicInteger tries = new AtomicInteger();
        RetryInBackground retry = RetryInBackground.start("test-retry", 1, () -> tries.incrementAndGet() > 0);
        Thread.sleep(1_200);
        assertThat(tries).hasValue(1);
        retry.stop();
    }

    @Test
    void aFailingStepIsTriedAgainUntilItIsDoneThenNoMore() throws InterruptedException {
        AtomicInteger tries = new AtomicInteger();
        RetryInBackground.start("test-retry", 1, () -> tries.incrementAndGet() >= 3);
        assertThat(tries).hasValue(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() == 3);
        Thread.sleep(1_500);
        assertThat(tries).hasValue(3);
    }

    @Test
    void stopEndsTheRetries() throws InterruptedException {
        AtomicInteger tries = new AtomicInteger();
        RetryInBackground retry = RetryInBackground.start("test-retry", 1, () -> tries.incrementAndGet() < 0);
        retry.stop();
        Thread.sleep(1_500);
        assertThat(tries).hasValue(1);
    }
}
