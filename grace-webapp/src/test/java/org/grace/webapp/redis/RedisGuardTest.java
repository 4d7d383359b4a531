package org.grace.webapp.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.core.redis.RedisAvailability;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.settings.GraceSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The guard's one mechanism, without a Redis: a call that fails or does not answer in time gets its fallback and sets
 * the down flag; while down no call reaches Redis; the background PING clears the flag and tells the library's
 * availability tracker. The Redis side is a stand-in whose PING answers when the test says so; MultiInstanceIT and
 * HealthIT stop a real Redis under running instances.
 */
class RedisGuardTest {
    private final AtomicBoolean pingAnswers = new AtomicBoolean();
    private final List<Runnable> disconnectListeners = new CopyOnWriteArrayList<>();
    private final List<String> fallbacks = new CopyOnWriteArrayList<>();
    private final RedisAvailability availability = new RedisAvailability("test");
    private RedisGuard guard;

    @BeforeEach
    void guard() {
        guard = new RedisGuard();
        guard.redis = new RedisConnection() {
            @Override
            public OptionalDouble ping(Duration timeout) {
                return pingAnswers.get() ? OptionalDouble.of(0.3) : OptionalDouble.empty();
            }

            @Override
            public synchronized Optional<RedisAvailability> availability() {
                return Optional.of(availability);
            }

            @Override
            public void onDisconnect(Runnable listener) {
                disconnectListeners.add(listener);
            }
        };
        guard.metrics = new GraceMetrics() {
            @Override
            public void redisFallback(String what) {
                fallbacks.add(what);
            }
        };
        guard.settings = new GraceSettings() {
            @Override
            public Duration redisCallTimeout() {
                return Duration.ofMillis(50);
            }
        };
        guard.listenForDisconnects();
    }

    @AfterEach
    void close() {
        guard.close();
    }

    @Test
    void anAnswerInTimeIsUsedAndNothingFallsBack() {
        String answer = guard.call("read", () -> CompletableFuture.completedFuture("from redis"), () -> "fallback");
        assertThat(answer).isEqualTo("from redis");
        assertThat(guard.callBlocking("cache-get", () -> "blocking from redis", () -> "fallback"))
                .isEqualTo("blocking from redis");
        assertThat(fallbacks).isEmpty();
        assertThat(guard.isDown()).isFalse();
    }

    @Test
    void noAnswerWithinTheTimeoutGivesTheFallbackThenRedisIsSkippedUntilItAnswersAPing() {
        String answer = guard.call("read", CompletableFuture::new, () -> "fallback");
        assertThat(answer).isEqualTo("fallback");
        assertThat(guard.isDown()).isTrue();
        availability.recordFailure(new IllegalStateException("the library noticed too"));

        AtomicInteger redisCalls = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertThat(guard.call("read", () -> {
                redisCalls.incrementAndGet();
                return CompletableFuture.completedFuture("from redis");
            }, () -> "fallback")).isEqualTo("fallback");
        }
        assertThat(redisCalls).as("calls that reached Redis while it was known down").hasValue(0);
        assertThat(fallbacks).containsExactly("read", "read", "read", "read");

        pingAnswers.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> !guard.isDown());
        assertThat(availability.isAvailable()).as("the library's tracker heard the PING").isTrue();
        assertThat(guard.call("read", () -> {
            redisCalls.incrementAndGet();
            return CompletableFuture.completedFuture("from redis");
        }, () -> "fallback")).isEqualTo("from redis");
        assertThat(redisCalls).hasValue(1);
    }

    @Test
    void aFailedCallGivesTheFallbackAndSetsTheFlag() {
        assertThat(guard.call("write", () -> CompletableFuture.failedFuture(new IllegalStateException("READONLY")),
                () -> false)).isFalse();
        assertThat(guard.isDown()).isTrue();
        assertThat(guard.call("write", () -> {
            throw new IllegalStateException("no connection");
        }, () -> false)).isFalse();
        assertThat(fallbacks).containsExactly("write", "write");
    }

    @Test
    void aLostConnectionSetsTheFlagBeforeAnyCallWaits() {
        assertThat(disconnectListeners).hasSize(1);
        disconnectListeners.forEach(Runnable::run);
        assertThat(guard.isDown()).isTrue();
        AtomicInteger redisCalls = new AtomicInteger();
        assertThat(guard.callBlocking("cache-get", () -> {
            redisCalls.incrementAndGet();
            return "from redis";
        }, () -> "fallback")).isEqualTo("fallback");
        assertThat(redisCalls).hasValue(0);
    }

    @Test
    void aBlockingCallThatHangsIsLeftBehindAndAnAttemptIsMadeEvenWhileDown() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try {
            assertThat(guard.callBlocking("cache-get", () -> {
                waitFor(release);
                return "late";
            }, () -> "fallback")).isEqualTo("fallback");
            assertThat(guard.isDown()).isTrue();
            assertThat(guard.attemptBlocking("cache-delete", () -> "deleted", () -> "not deleted"))
                    .as("an invalidation is still tried while Redis is known down").isEqualTo("deleted");
        } finally {
            release.countDown();
        }
    }

    @Test
    void whenEveryBlockingThreadAndQueueSlotIsTakenTheFallbackAnswersAtOnce() {
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<String>> hung = new ArrayList<>();
        try {
            for (int i = 0; i < RedisGuard.BLOCKING_THREADS + RedisGuard.BLOCKING_QUEUE; i++) {
                hung.add(CompletableFuture.supplyAsync(() -> guard.attemptBlocking("cache-delete", () -> {
                    waitFor(release);
                    return "done";
                }, () -> "gave up")));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> hung.stream().allMatch(CompletableFuture::isDone));
            AtomicInteger ran = new AtomicInteger();
            assertThat(guard.attemptBlocking("cache-delete", () -> {
                ran.incrementAndGet();
                return "done";
            }, () -> "gave up")).isEqualTo("gave up");
            release.countDown();
            // Had it been queued rather than refused, it would run once the queue ahead of it drains.
            await().atMost(Duration.ofSeconds(10)).until(() -> "ran".equals(
                    guard.attemptBlocking("cache-delete", () -> "ran", () -> "gave up")));
            assertThat(ran).as("the refused call never ran").hasValue(0);
        } finally {
            release.countDown();
        }
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
