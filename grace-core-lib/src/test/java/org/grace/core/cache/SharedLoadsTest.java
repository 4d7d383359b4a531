package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedLoadsTest {
    private final SharedLoads loads = new SharedLoads();

    @Test
    void callersArrivingDuringALoadShareItAndTheLoaderSeesThemAsTheirs() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<String> first = pool.submit(() -> loads.share("k", () -> {
                runs.incrementAndGet();
                loading.countDown();
                await(release);
                return new LocalEntry("loaded", new byte[0], String.class, Set.of(), 0);
            }, e -> "mine:" + e.value, e -> "theirs:" + e.value));
            assertThat(loading.await(10, TimeUnit.SECONDS)).isTrue();
            CountDownLatch arrived = new CountDownLatch(4);
            List<Future<String>> others = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                others.add(pool.submit(() -> {
                    arrived.countDown();
                    return loads.share("k", () -> {
                        runs.incrementAndGet();
                        return null;
                    }, e -> "mine", e -> "theirs:" + e.value);
                }));
            }
            assertThat(arrived.await(10, TimeUnit.SECONDS)).isTrue();
            Thread.sleep(200); // from their arrival to finding the running load: a few instructions
            release.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("mine:loaded");
            for (Future<String> other : others) {
                assertThat(other.get(10, TimeUnit.SECONDS)).isEqualTo("theirs:loaded");
            }
            assertThat(runs.get()).as("one load for five callers").isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aLoadersExceptionIsThrownAsItIsAndNothingStaysBehind() {
        IllegalStateException boom = new IllegalStateException("database down");
        assertThatThrownBy(() -> loads.share("k", () -> {
            throw boom;
        }, e -> e, e -> e)).isSameAs(boom);
        String again = loads.share("k", () -> null, e -> "ran again", e -> "shared");
        assertThat(again).as("the failed load is not shared with later callers").isEqualTo("ran again");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
