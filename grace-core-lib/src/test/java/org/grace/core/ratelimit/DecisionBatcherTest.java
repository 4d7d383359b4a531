package org.grace.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DecisionBatcherTest {
    @Test
    void everyItemIsSentExactlyOnceWithinTheLimitsOfBatchSizeAndSlots() throws Exception {
        // The sender answers on another thread after a random delay, as a network reply would.
        ScheduledExecutorService network = Executors.newScheduledThreadPool(4);
        try {
            int maxInFlight = 2;
            int maxBatch = 16;
            AtomicInteger inFlight = new AtomicInteger();
            AtomicInteger mostInFlight = new AtomicInteger();
            AtomicInteger largestBatch = new AtomicInteger();
            AtomicInteger batches = new AtomicInteger();
            ConcurrentHashMap<Integer, Integer> sent = new ConcurrentHashMap<>();
            AtomicReference<DecisionBatcher<Integer>> self = new AtomicReference<>();
            DecisionBatcher<Integer> batcher = new DecisionBatcher<>(maxInFlight, maxBatch, batch -> {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                largestBatch.accumulateAndGet(batch.size(), Math::max);
                batches.incrementAndGet();
                batch.forEach(item -> sent.merge(item, 1, Integer::sum));
                network.schedule(() -> {
                    inFlight.decrementAndGet();
                    self.get().finished();
                }, ThreadLocalRandom.current().nextInt(50, 300), TimeUnit.MICROSECONDS);
            });
            self.set(batcher);
            int threads = 16;
            int each = 2000;
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * each;
                Thread worker = new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        batcher.submit(base + i);
                    }
                });
                worker.start();
                workers.add(worker);
            }
            go.countDown();
            for (Thread worker : workers) {
                worker.join();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (sent.size() < threads * each && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(sent).hasSize(threads * each);
            assertThat(sent.values()).containsOnly(1);
            assertThat(mostInFlight.get()).isLessThanOrEqualTo(maxInFlight);
            assertThat(largestBatch.get()).isLessThanOrEqualTo(maxBatch);
            // Far fewer calls than items: they were gathered.
            assertThat(batches.get()).isLessThan(threads * each / 2);
        } finally {
            network.shutdownNow();
        }
    }

    @Test
    void aLoneSubmitterIsSentAtOnceAndAlone() {
        List<List<String>> batches = new ArrayList<>();
        AtomicReference<DecisionBatcher<String>> self = new AtomicReference<>();
        DecisionBatcher<String> batcher = new DecisionBatcher<>(1, 8, batch -> {
            batches.add(List.copyOf(batch));
            self.get().finished();
        });
        self.set(batcher);
        assertThat(batcher.submit("a")).as("alone").isTrue();
        assertThat(batcher.submit("b")).as("alone").isTrue();
        assertThat(batches).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void aSubmitterIsNotAloneWhileAnotherBatchIsInFlightOrItsBatchHasCompany() {
        List<List<String>> batches = new ArrayList<>();
        DecisionBatcher<String> batcher = new DecisionBatcher<>(2, 8, batch -> batches.add(List.copyOf(batch)));
        assertThat(batcher.submit("a")).as("first on an idle batcher").isTrue();
        assertThat(batcher.submit("b")).as("second slot, first still in flight").isFalse();
        assertThat(batcher.submit("c")).as("queued").isFalse();
        assertThat(batcher.submit("d")).as("queued").isFalse();
        batcher.finished();
        batcher.finished();
        batcher.finished();
        assertThat(batches).containsExactly(List.of("a"), List.of("b"), List.of("c", "d"));
        assertThat(batcher.submit("e")).as("idle again").isTrue();
    }

    @Test
    void whatQueuesWhileTheSlotIsTakenGoesInTheNextBatch() {
        List<List<String>> batches = new ArrayList<>();
        DecisionBatcher<String> batcher = new DecisionBatcher<>(1, 2, batch -> batches.add(List.copyOf(batch)));
        assertThat(batcher.submit("a")).isTrue();
        assertThat(batcher.submit("b")).isFalse();
        batcher.submit("c");
        batcher.submit("d");
        assertThat(batches).containsExactly(List.of("a"));
        batcher.finished();
        assertThat(batches).containsExactly(List.of("a"), List.of("b", "c"));
        batcher.finished();
        assertThat(batches).containsExactly(List.of("a"), List.of("b", "c"), List.of("d"));
    }

    @Test
    void sizesMustBePositive() {
        assertThatThrownBy(() -> new DecisionBatcher<String>(0, 8, b -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
        assertThatThrownBy(() -> new DecisionBatcher<String>(1, 0, b -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }
}
