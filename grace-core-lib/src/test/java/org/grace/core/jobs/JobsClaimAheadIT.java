package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.core.InstanceId;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.Test;

/**
 * Jobs claimed ahead of the free worker threads (waiting in the instance's queue, leased) and the batch enqueue.
 */
@WithPostgres
class JobsClaimAheadIT {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void jobsClaimedAheadOfAKilledInstanceRunOnceElsewhereAfterTheirLeaseExpires(PostgresDatabase db)
            throws Exception {
        String url = TestDatabase.withJobsSchema(db);
        // Handlers of 20 s: the victim runs four jobs and holds the rest of its claim, unstarted.
        try (JobWorkers group = JobWorkers.startReady(url, "ahead-", List.of("victim"), "1500", "500", "20000");
             HikariDataSource ds = TestDatabase.pool(url, 12)) {
            // JobWorkers gives each process 4 threads; the victim's two dispatchers claim a batch (10) each: 4 start,
            // 16 wait for a thread.
            TestDatabase.enqueueRecordJobs(ds, 0, 30);
            await().atMost(WAIT).until(() -> TestDatabase.count(ds,
                    "SELECT count(*) FROM grace_jobs WHERE status = 'running' AND lease_owner = 'victim'") == 20);
            String held = TestDatabase.text(ds, "SELECT string_agg(id::text, ',' ORDER BY id) FROM grace_jobs "
                    + "WHERE status = 'running' AND lease_owner = 'victim'");
            ChildJvm victim = group.processes().get(0);
            victim.kill();

            AtomicInteger ran = new AtomicInteger();
            Jobs survivor = Jobs.builder(ds).instanceId(InstanceId.of("survivor")).queue("default", 4)
                    .leaseDuration(Duration.ofMillis(1500)).pollInterval(Duration.ofMillis(500))
                    .handler(JobWorkerMain.RECORD, JobWorkerMain.Work.class, (w, ctx) -> {
                        ran.incrementAndGet();
                        try (Connection c = ds.getConnection(); var ps = c.prepareStatement(
                                "INSERT INTO executions (job_id, worker, attempt) VALUES (?, 'survivor', ?)")) {
                            ps.setLong(1, ctx.jobId());
                            ps.setInt(2, ctx.attempt());
                            ps.executeUpdate();
                        }
                    }).build().start();
            try {
                TestDatabase.awaitNothingToDo(ds, Duration.ofSeconds(60));
            } finally {
                survivor.close();
            }
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed'"))
                    .isEqualTo(30);
            // The jobs the victim held (running or waiting for its thread) ran on the survivor, as attempt 2.
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE id IN (" + held + ") "
                    + "AND lease_owner = 'survivor' AND attempts = 2")).isEqualTo(20);
            // Those waiting in the victim's queue never started there: each ran exactly once in all.
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM executions WHERE worker = 'victim'")).isZero();
            assertThat(TestDatabase.count(ds, "SELECT count(*) - count(DISTINCT job_id) FROM executions")).isZero();
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM executions")).isEqualTo(30);
        }
    }

    @Test
    void aJobWaitingForAThreadKeepsItsLeaseLongerThanTheLeaseDurationAndRunsOnce(@Fresh PostgresDatabase db)
            throws Exception {
        HikariDataSource ds = TestDatabase.pool(TestDatabase.withJobsSchema(db), 16);
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        CountDownLatch release = new CountDownLatch(1);
        JobHandler<Integer> handler = (n, ctx) -> {
            runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
            if (n == 0) {
                release.await(10, TimeUnit.SECONDS);
            }
        };
        Jobs a = Jobs.builder(ds).instanceId(InstanceId.of("a")).queue("default", 1)
                .leaseDuration(Duration.ofMillis(1200)).pollInterval(Duration.ofMillis(100))
                .handler("n", Integer.class, handler).build();
        Jobs b = Jobs.builder(ds).instanceId(InstanceId.of("b")).queue("default", 1)
                .leaseDuration(Duration.ofMillis(1200)).pollInterval(Duration.ofMillis(100))
                .handler("n", Integer.class, handler).build();
        try {
            a.enqueueAll("n", List.of(0, 1, 2, 3, 4), JobOptions.DEFAULTS);
            a.start();
            await().atMost(WAIT).until(() -> TestDatabase.count(ds,
                    "SELECT count(*) FROM grace_jobs WHERE status = 'running' AND lease_owner = 'a'") == 5);
            b.start();
            // Three lease durations with a's only thread busy: the four jobs waiting for it stay a's (renewed). A
            // 600 ms lease expired once under a load average above 10 (renewal is every third of the lease).
            Thread.sleep(3_600);
            assertThat(TestDatabase.count(ds,
                    "SELECT count(*) FROM grace_jobs WHERE status = 'running' AND lease_owner = 'a' AND attempts = 1"))
                    .isEqualTo(5);
            release.countDown();
            TestDatabase.awaitNothingToDo(ds, WAIT);
            assertThat(runs).hasSize(5);
            assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed' "
                    + "AND lease_owner = 'a' AND attempts = 1")).isEqualTo(5);
        } finally {
            b.close();
            a.close();
            ds.close();
        }
    }

    @Test
    void enqueueAllWritesEveryPayloadInOrderWakesTheWorkersAndFollowsTheCallersTransaction(
            @Fresh PostgresDatabase db) throws Exception {
        HikariDataSource ds = TestDatabase.pool(TestDatabase.withJobsSchema(db), 16);
        Map<Long, String> handled = new ConcurrentHashMap<>();
        // A one-minute poll: within the 30 s wait only the enqueue's notification can wake the worker.
        Jobs jobs = Jobs.builder(ds).instanceId(InstanceId.of("a")).queue("default", 2)
                .pollInterval(Duration.ofMinutes(1))
                .handler("t", String.class, (p, ctx) -> handled.put(ctx.jobId(), p)).build().start();
        try {
            List<String> payloads = new ArrayList<>();
            for (int i = 0; i < Jobs.MAX_BATCH_ENQUEUE + 7; i++) {
                payloads.add("p" + i);
            }
            Thread.sleep(300);
            List<Long> ids = jobs.enqueueAll("t", payloads, JobOptions.builder().priority(3).build());
            assertThat(ids).hasSize(payloads.size()).doesNotHaveDuplicates();
            await().atMost(WAIT).until(() -> handled.size() == payloads.size());
            for (int i = 0; i < ids.size(); i++) {
                assertThat(handled.get(ids.get(i))).as("payload of the %d-th id", i).isEqualTo(payloads.get(i));
            }
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE priority = 3"))
                    .isEqualTo(payloads.size());

            try (Connection c = ds.getConnection()) {
                c.setAutoCommit(false);
                List<Long> undone = jobs.enqueueAll(c, "t", List.of("u1", "u2"), JobOptions.DEFAULTS);
                assertThat(undone).hasSize(2);
                c.rollback();
                List<Long> kept = jobs.enqueueAll(c, "t", List.of("k1", "k2"), JobOptions.DEFAULTS);
                c.commit();
                await().atMost(WAIT).until(() -> handled.keySet().containsAll(kept));
                assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE id IN (" + undone.get(0)
                        + ", " + undone.get(1) + ")")).isZero();
            }
            assertThat(jobs.enqueueAll("t", List.of(), JobOptions.DEFAULTS)).isEmpty();
            assertThatThrownBy(() -> jobs.enqueueAll("t", List.of("x"),
                    JobOptions.builder().idempotencyKey("k").build()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("idempotency key");
            // A payload the handler cannot read fails the whole call before anything is written.
            long before = TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs");
            assertThatThrownBy(() -> jobs.enqueueAll("t", List.of("fine", Map.of("not", "a string")),
                    JobOptions.DEFAULTS)).isInstanceOf(IllegalArgumentException.class);
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs")).isEqualTo(before);
        } finally {
            jobs.close();
            ds.close();
        }
    }
}
