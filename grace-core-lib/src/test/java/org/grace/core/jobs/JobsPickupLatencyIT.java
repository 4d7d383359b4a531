package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.grace.core.InstanceId;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.Test;

/**
 * On an idle system, the time from the enqueue call to the handler starting, over 100 jobs enqueued one at a time
 * (each after the previous one started). The poll interval stays at its 5 s default, so only the NOTIFY sent at
 * the enqueue's commit can make pickup fast.
 */
@WithPostgres
class JobsPickupLatencyIT {
    private static final int WARM_UP = 20;
    private static final int SAMPLES = 100;

    @Test
    void pickupLatencyOnAnIdleSystemIsAtMostTwentyMillisecondsAtTheMedian(PostgresDatabase db) throws Exception {
        // The first jobs may beat the listener's LISTEN (it wakes the workers once when it connects): warm-up.
        String url = TestDatabase.withJobsSchema(db);
        Map<Long, CompletableFuture<Long>> started = new ConcurrentHashMap<>();
        try (HikariDataSource ds = TestDatabase.pool(url, 12);
             Jobs jobs = Jobs.builder(ds)
                     .instanceId(InstanceId.of("latency"))
                     .queue("default", 4)
                     .handler("ping", Integer.class, (n, ctx) ->
                             started.computeIfAbsent(ctx.jobId(), id -> new CompletableFuture<>())
                                     .complete(System.nanoTime()))
                     .build()
                     .start()) {
            assertThat(Jobs.DEFAULT_POLL_INTERVAL).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            long[] micros = new long[SAMPLES];
            for (int i = 0; i < WARM_UP + SAMPLES; i++) {
                long t0 = System.nanoTime();
                long id = jobs.enqueue("ping", i);
                long t1 = started.computeIfAbsent(id, k -> new CompletableFuture<>()).get(10, TimeUnit.SECONDS);
                if (i >= WARM_UP) {
                    micros[i - WARM_UP] = (t1 - t0) / 1_000;
                }
            }
            Arrays.sort(micros);
            double p50 = micros[SAMPLES / 2] / 1000.0;
            double p90 = micros[SAMPLES * 9 / 10] / 1000.0;
            double p99 = micros[SAMPLES * 99 / 100] / 1000.0;
            double max = micros[SAMPLES - 1] / 1000.0;
            System.out.printf("pickup latency over %d jobs (enqueue call to handler start): p50 %.2f ms, p90 %.2f ms, "
                    + "p99 %.2f ms, max %.2f ms%n", SAMPLES, p50, p90, p99, max);
            assertThat(p50).as("p50 pickup latency in ms").isLessThanOrEqualTo(20.0);
        }
    }
}
