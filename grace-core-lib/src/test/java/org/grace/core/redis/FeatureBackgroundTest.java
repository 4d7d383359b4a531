package org.grace.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FeatureBackgroundTest {
    @Test
    void runsOnOneNamedDaemonThread() throws Exception {
        FeatureBackground background = new FeatureBackground("grace-test-background");
        try {
            Thread thread = CompletableFuture.supplyAsync(Thread::currentThread, background.executor())
                    .get(10, TimeUnit.SECONDS);
            assertThat(thread.getName()).isEqualTo("grace-test-background");
            assertThat(thread.isDaemon()).isTrue();
        } finally {
            background.shutDown();
        }
    }

    @Test
    void shutsDownOnceInterruptingWhatRuns() throws Exception {
        FeatureBackground background = new FeatureBackground("grace-test-background");
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        CompletableFuture<Void> running = new CompletableFuture<>();
        background.executor().execute(() -> {
            running.complete(null);
            try {
                Thread.sleep(60_000);
                interrupted.complete(false);
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        running.get(10, TimeUnit.SECONDS);
        assertThat(background.isShutDown()).isFalse();

        assertThat(background.shutDown()).as("the first call shuts down").isTrue();
        assertThat(background.shutDown()).as("a second call finds it done").isFalse();
        assertThat(background.isShutDown()).isTrue();
        assertThat(interrupted.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(background.executor().awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
}
