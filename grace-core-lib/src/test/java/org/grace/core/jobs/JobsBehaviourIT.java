package org.grace.core.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.testsupport.Fresh;
import org.grace.testsupport.PostgresDatabase;
import org.grace.testsupport.WithPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Behaviour of one or two instances in this JVM against a real PostgreSQL; each test gets a fresh database. */
@WithPostgres
class JobsBehaviourIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private HikariDataSource ds;
    private final List<Jobs> opened = new ArrayList<>();

    public record Reminder(long userId, String text) {
    }

    @BeforeEach
    void freshDatabase(@Fresh PostgresDatabase db) {
        ds = TestDatabase.pool(TestDatabase.withJobsSchema(db), 24);
    }

    @AfterEach
    void closeAll() {
        Collections.reverse(opened);
        opened.forEach(Jobs::close);
        ds.close();
    }

    private Jobs.Builder builder(String instance) {
        return Jobs.builder(ds).instanceId(InstanceId.of(instance));
    }

    private Jobs open(Jobs.Builder builder) {
        Jobs jobs = builder.build();
        opened.add(jobs);
        return jobs;
    }

    private JobStatus status(Jobs jobs, long id) {
        return jobs.admin().status(id).orElse(null);
    }

    @Test
    void aHandlerReceivesItsPayloadAndTheListenerHearsEachStep() {
        List<String> events = new CopyOnWriteArrayList<>();
        List<Reminder> received = new CopyOnWriteArrayList<>();
        Jobs jobs = open(builder("a").listener(new JobListener() {
            @Override
            public void onEnqueued(String queue, String type, long jobId) {
                events.add("enqueued " + type);
            }

            @Override
            public void onClaimed(String queue, int count) {
                events.add("claimed " + count);
            }

            @Override
            public void onStarted(JobContext job) {
                events.add("started " + job.attempt());
            }

            @Override
            public void onSucceeded(JobContext job, Duration duration) {
                events.add("succeeded " + job.attempt());
            }

            @Override
            public void onFailed(JobContext job, Throwable error, Duration duration, boolean willRetry) {
                events.add("failed " + job.attempt() + " retry=" + willRetry);
            }
        }).retryDelay(Duration.ofMillis(50), Duration.ofMillis(100))
                .handler("remind", Reminder.class, (r, ctx) -> {
                    received.add(r);
                    if (ctx.attempt() == 1) {
                        throw new IllegalStateException("mail server busy");
                    }
                })).start();

        long id = jobs.enqueue("remind", new Reminder(7, "take your pills"));

        // The listener hears of an outcome just after it is written: wait for both.
        await().atMost(WAIT).until(() -> status(jobs, id) == JobStatus.COMPLETED && events.contains("succeeded 2")
                && events.contains("failed 1 retry=true"));
        assertThat(received).containsExactly(new Reminder(7, "take your pills"), new Reminder(7, "take your pills"));
        assertThat(events).containsExactlyInAnyOrder("enqueued remind", "claimed 1", "started 1",
                "failed 1 retry=true", "claimed 1", "started 2", "succeeded 2");
        // Each attempt's steps come in order. Across attempts they may not: the listener hears a failure just after
        // the retry is written, and with a 50 ms backoff on a busy machine the retry can run before that.
        assertThat(events.get(0)).isEqualTo("enqueued remind");
        assertThat(events.indexOf("started 1")).isLessThan(events.indexOf("failed 1 retry=true"))
                .isLessThan(events.indexOf("started 2"));
        assertThat(events.indexOf("started 2")).isLessThan(events.indexOf("succeeded 2"));
        assertThat(TestDatabase.text(ds, "SELECT attempts || ' ' || last_error FROM grace_jobs WHERE id = " + id))
                .startsWith("2 java.lang.IllegalStateException: mail server busy");
    }

    @Test
    void aHandlerThatKeepsThrowingIsRetriedWithBackoffThenFailedWithItsError() {
        List<Long> startedAt = new CopyOnWriteArrayList<>();
        List<String> outcomes = new CopyOnWriteArrayList<>();
        Jobs jobs = open(builder("a").random(new Random(42))
                .retryDelay(Duration.ofMillis(200), Duration.ofSeconds(2))
                .listener(new JobListener() {
                    @Override
                    public void onFailed(JobContext job, Throwable error, Duration duration, boolean willRetry) {
                        outcomes.add(job.attempt() + (willRetry ? " retry" : " give up"));
                    }
                })
                .handler("flaky", String.class, (p, ctx) -> {
                    startedAt.add(System.nanoTime());
                    throw new IllegalStateException("boom on attempt " + ctx.attempt());
                })).start();

        long id = jobs.enqueue("flaky", "x", JobOptions.builder().maxAttempts(3).build());

        await().atMost(WAIT).until(() -> status(jobs, id) == JobStatus.FAILED && outcomes.size() == 3);
        assertThat(outcomes).containsExactly("1 retry", "2 retry", "3 give up");
        assertThat(startedAt).hasSize(3);
        // Equal jitter: the wait after attempt n is at least half of 200 ms * 2^(n-1), enforced by run_at in the database.
        assertThat(Duration.ofNanos(startedAt.get(1) - startedAt.get(0))).isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(Duration.ofNanos(startedAt.get(2) - startedAt.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        List<JobsAdmin.Failure> failures = jobs.admin().failures(10);
        assertThat(failures).hasSize(1);
        assertThat(failures.get(0).jobId()).isEqualTo(id);
        assertThat(failures.get(0).attempts()).isEqualTo(3);
        assertThat(failures.get(0).error()).contains("boom on attempt 3");
        assertThat(failures.get(0).payloadJson()).isEqualTo("\"x\"");
    }

    @Test
    void aJobWhoseTypeHasNoHandlerFailsAtOnceWithAClearError() {
        Jobs jobs = open(builder("a").handler("known", String.class, (p, ctx) -> { })).start();

        long id = jobs.enqueue("nobody-handles-this", "x", JobOptions.builder().maxAttempts(10).build());

        await().atMost(WAIT).until(() -> status(jobs, id) == JobStatus.FAILED);
        JobsAdmin.Failure failure = jobs.admin().failures(1).get(0);
        assertThat(failure.attempts()).isEqualTo(1);
        assertThat(failure.error()).contains("no handler registered for job type 'nobody-handles-this'")
                .contains("registered: [known]");
    }

    @Test
    void aPayloadThatCannotBeSerialisedFailsAtEnqueue() {
        Jobs jobs = open(builder("a").handler("remind", Reminder.class, (r, ctx) -> { }));

        assertThatThrownBy(() -> jobs.enqueue("anything", new Object()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be serialised to JSON");
        assertThatThrownBy(() -> jobs.enqueue("remind", List.of(1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("handler cannot read as " + Reminder.class.getName());
        assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs")).isZero();
    }

    @Test
    void enqueueOnTheCallersConnectionCommitsAndRollsBackWithIt() throws Exception {
        List<Long> handled = new CopyOnWriteArrayList<>();
        Jobs jobs = open(builder("a").handler("t", String.class, (p, ctx) -> handled.add(ctx.jobId()))).start();

        long rolledBack;
        long committed;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            rolledBack = jobs.enqueue(c, "t", "undo", JobOptions.DEFAULTS);
            c.rollback();
            committed = jobs.enqueue(c, "t", "keep", JobOptions.DEFAULTS);
            assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs")).as("invisible before commit").isZero();
            c.commit();
        }

        await().atMost(WAIT).until(() -> handled.contains(committed));
        assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE id = " + rolledBack)).isZero();
        assertThat(handled).containsExactly(committed);
    }

    @Test
    void aSecondEnqueueWithTheSameIdempotencyKeyReturnsTheFirstJob() {
        Jobs jobs = open(builder("a"));
        JobOptions key = JobOptions.builder().idempotencyKey("reminder:7:2026-11-27").build();

        long first = jobs.enqueue("remind", new Reminder(7, "a"), key);
        long second = jobs.enqueue("remind", new Reminder(7, "b"), key);
        long other = jobs.enqueue("remind", new Reminder(7, "c"),
                JobOptions.builder().idempotencyKey("reminder:7:2026-11-28").build());

        assertThat(second).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs")).isEqualTo(2);
        assertThat(TestDatabase.text(ds, "SELECT payload->>'text' FROM grace_jobs WHERE id = " + first)).isEqualTo("a");
    }

    @Test
    void aDelayedJobRunsAtItsTimeWithoutWaitingForThePollInterval() throws Exception {
        CountDownLatch ran = new CountDownLatch(1);
        Jobs jobs = open(builder("a").handler("later", String.class, (p, ctx) -> ran.countDown())).start();

        long t0 = System.nanoTime();
        jobs.enqueue("later", "x", JobOptions.builder().delay(Duration.ofSeconds(1)).build());

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        Duration waited = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(990))
                .isLessThan(Jobs.DEFAULT_POLL_INTERVAL.minusMillis(500));
    }

    /**
     * Two dispatchers' complete-and-claim statements can deadlock in PostgreSQL (a claim's SKIP LOCKED still waits
     * for a row whose newer version another statement is completing; seen in JobsFloorBenchmark with two
     * connections). The statement PostgreSQL ends did nothing: its completions must be written by a later one, no job
     * may run twice, and it is not a database outage (no warning, no pause).
     */
    @Test
    void aClaimEndedByADeadlockIsSentAgainAndIsNotTakenForAnOutage() throws Exception {
        AtomicInteger conflictsLeft = new AtomicInteger(3);
        DataSource conflicting = conflictingOnCompleteAndClaim(ds, conflictsLeft);
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Logger jobsLog = Logger.getLogger("org.grace.core.jobs");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        jobsLog.addHandler(capture);
        try {
            Map<Integer, AtomicInteger> runs = new ConcurrentHashMap<>();
            Jobs jobs = open(Jobs.builder(conflicting).instanceId(InstanceId.of("a")).queue("default", 4)
                    .handler("count", Integer.class, (n, ctx) -> runs.computeIfAbsent(n, k -> new AtomicInteger())
                            .incrementAndGet()));
            List<Integer> payloads = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                payloads.add(i);
            }
            jobs.enqueueAll("count", payloads, JobOptions.DEFAULTS);
            jobs.start();

            await().atMost(WAIT).until(() -> count("SELECT count(*) FROM grace_jobs WHERE status = 'completed'")
                    == 300);
            assertThat(conflictsLeft.get()).as("every injected deadlock was met").isZero();
            assertThat(runs).hasSize(300);
            assertThat(runs.values()).allSatisfy(n -> assertThat(n.get()).as("runs of one job").isEqualTo(1));
            assertThat(count("SELECT count(*) FROM grace_jobs WHERE status <> 'completed'")).isZero();
            assertThat(warnings).extracting(LogRecord::getMessage).as("no outage declared").isEmpty();
        } finally {
            jobsLog.removeHandler(capture);
        }
    }

    private long count(String sql) throws Exception {
        try (Connection c = ds.getConnection(); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** {@code ds}, whose complete-and-claim statements fail as PostgreSQL's deadlock victim while conflicts are left. */
    private static DataSource conflictingOnCompleteAndClaim(DataSource ds, AtomicInteger conflictsLeft) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(ds, method, args);
                    return result instanceof Connection c ? connection(c, conflictsLeft) : result;
                });
    }

    private static Connection connection(Connection c, AtomicInteger conflictsLeft) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    Object result = invoke(c, method, args);
                    if (result instanceof PreparedStatement ps && method.getName().equals("prepareStatement")
                            && ((String) args[0]).contains("WITH done AS")) {
                        return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                                new Class<?>[] {PreparedStatement.class}, (p, m, a) -> {
                                    if (m.getName().equals("executeQuery") && m.getParameterCount() == 0
                                            && conflictsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                        throw new SQLException("ERROR: deadlock detected (injected)", "40P01");
                                    }
                                    return invoke(ps, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    @Test
    void higherPriorityJobsRunFirst() {
        List<String> order = new CopyOnWriteArrayList<>();
        Jobs jobs = open(builder("a").queue("default", 1)
                .handler("p", String.class, (p, ctx) -> order.add(p)));
        jobs.enqueue("p", "low-1");
        jobs.enqueue("p", "low-2");
        jobs.enqueue("p", "high", JobOptions.builder().priority(10).build());
        jobs.enqueue("p", "low-3");

        jobs.start();

        await().atMost(WAIT).until(() -> order.size() == 4);
        assertThat(order).containsExactly("high", "low-1", "low-2", "low-3");
    }

    @Test
    void aHandlerThatHangsLosesItsLeaseTheJobRunsElsewhereAndTheLateCompletionIsFenced() throws Exception {
        CountDownLatch hanging = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> runs = new CopyOnWriteArrayList<>();
        List<Long> lostOnA = new CopyOnWriteArrayList<>();
        AtomicBoolean aReturned = new AtomicBoolean();
        JobHandler<String> handler = (p, ctx) -> {
            runs.add(ctx.attempt() + "");
            if (ctx.attempt() == 1) {
                hanging.countDown();
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (release.getCount() > 0 && System.nanoTime() < end) {
                    try {
                        release.await(100, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException ignored) {
                        // a truly hung handler: ignores the interrupt
                    }
                }
            }
        };
        Jobs a = open(builder("A").queue("default", 1).leaseDuration(Duration.ofSeconds(1))
                .timeout(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(200))
                .listener(new JobListener() {
                    @Override
                    public void onLeaseLost(JobContext job) {
                        lostOnA.add(job.jobId());
                    }

                    @Override
                    public void onSucceeded(JobContext job, Duration duration) {
                        aReturned.set(true);
                    }
                })
                .handler("hang", String.class, handler)).start();
        long id = a.enqueue("hang", "x");
        assertThat(hanging.await(10, TimeUnit.SECONDS)).isTrue();

        Jobs b = open(builder("B").queue("default", 1).leaseDuration(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(200)).handler("hang", String.class, handler)).start();

        await().atMost(WAIT).until(() -> status(b, id) == JobStatus.COMPLETED);
        assertThat(TestDatabase.text(ds, "SELECT lease_owner || ' ' || attempts FROM grace_jobs WHERE id = " + id))
                .isEqualTo("B 2");
        assertThat(lostOnA).containsExactly(id);

        release.countDown();
        await().atMost(WAIT).untilTrue(aReturned);
        a.close(); // writes A's pending completion, which must not apply: B completed the job under a newer lease
        assertThat(TestDatabase.text(ds, "SELECT status || ' ' || lease_owner || ' ' || attempts FROM grace_jobs "
                + "WHERE id = " + id)).isEqualTo("completed B 2");
        assertThat(runs).containsExactly("1", "2");
    }

    @Test
    void closeLetsRunningJobsFinishWithinTheGraceAndGivesBackTheRest() throws Exception {
        CountDownLatch bothStarted = new CountDownLatch(2);
        Jobs jobs = open(builder("a").queue("default", 2).shutdownGrace(Duration.ofSeconds(1))
                .handler("sleep", Long.class, (millis, ctx) -> {
                    bothStarted.countDown();
                    Thread.sleep(millis);
                }));
        long quick = jobs.enqueue("sleep", 400L, JobOptions.builder().priority(3).build());
        long slow = jobs.enqueue("sleep", 30_000L, JobOptions.builder().priority(2).build());
        long waiting = jobs.enqueue("sleep", 1L, JobOptions.builder().priority(1).build());
        jobs.start();
        assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(status(jobs, waiting)).as("claimed ahead, waiting for a thread").isEqualTo(JobStatus.RUNNING);

        jobs.close();

        assertThat(status(jobs, quick)).isEqualTo(JobStatus.COMPLETED);
        assertThat(TestDatabase.text(ds, "SELECT status || ' ' || coalesce(lease_owner, '-') FROM grace_jobs WHERE id = "
                + slow)).isEqualTo("pending -");
        assertThat(TestDatabase.text(ds, "SELECT status || ' ' || coalesce(lease_owner, '-') || ' ' || attempts "
                + "FROM grace_jobs WHERE id = " + waiting)).isEqualTo("pending - 0");
    }

    @Test
    void aJobRunningLongerThanItsLeaseKeepsItThroughRenewalAndRunsOnce() {
        List<String> runs = new CopyOnWriteArrayList<>();
        for (String instance : List.of("A", "B")) {
            Jobs.Builder b = builder(instance).leaseDuration(Duration.ofMillis(600)).pollInterval(Duration.ofMillis(100))
                    .handler("long", Long.class, (millis, ctx) -> {
                        runs.add(instance);
                        Thread.sleep(millis);
                    });
            Jobs jobs = open(b).start();
            if (instance.equals("A")) {
                long id = jobs.enqueue("long", 2_500L);
                await().atMost(WAIT).until(() -> runs.size() == 1);
                assertThat(status(jobs, id)).isEqualTo(JobStatus.RUNNING);
            }
        }
        // B polls every 100 ms and reaps expired leases every 100 ms: only renewal keeps the job on A.
        await().atMost(WAIT).until(() -> TestDatabase.count(ds,
                "SELECT count(*) FROM grace_jobs WHERE status = 'completed'") == 1);
        assertThat(runs).containsExactly("A");
        assertThat(TestDatabase.text(ds, "SELECT lease_owner || ' ' || attempts FROM grace_jobs")).isEqualTo("A 1");
    }

    @Test
    void completionsDuringAShutdownGraceLongerThanTheLeaseAreWrittenInTime() throws Exception {
        Map<Long, AtomicInteger> runs = new ConcurrentHashMap<>();
        CountDownLatch bothStarted = new CountDownLatch(2);
        JobHandler<Long> handler = (millis, ctx) -> {
            runs.computeIfAbsent(ctx.jobId(), k -> new AtomicInteger()).incrementAndGet();
            bothStarted.countDown();
            Thread.sleep(millis);
        };
        Jobs a = open(builder("A").queue("default", 2).leaseDuration(Duration.ofMillis(600))
                .shutdownGrace(Duration.ofSeconds(10)).handler("sleep", Long.class, handler));
        long quick = a.enqueue("sleep", 200L);
        long slow = a.enqueue("sleep", 2_500L);
        a.start();
        assertThat(bothStarted.await(10, TimeUnit.SECONDS)).isTrue();
        // B would run again any job whose lease runs out while A waits for its slow job.
        open(builder("B").leaseDuration(Duration.ofMillis(600)).pollInterval(Duration.ofMillis(100))
                .handler("sleep", Long.class, handler)).start();

        a.close();

        assertThat(status(a, quick)).isEqualTo(JobStatus.COMPLETED);
        assertThat(status(a, slow)).isEqualTo(JobStatus.COMPLETED);
        assertThat(runs.get(quick).get()).as("quick job runs").isEqualTo(1);
        assertThat(runs.get(slow).get()).as("slow job runs").isEqualTo(1);
    }

    @Test
    void recurringJobsFireOncePerOccurrenceAcrossTwoInstances() {
        Map<String, List<Instant>> fired = new ConcurrentHashMap<>();
        List<String> ranOn = new CopyOnWriteArrayList<>();
        for (String instance : List.of("A", "B")) {
            open(builder(instance)
                    .recurring("every-second", Schedule.every(Duration.ofSeconds(1)), "tick", "every")
                    .recurring("cron-second", Schedule.cron("* * * * * *"), "tick", "cron")
                    .handler("tick", String.class, (which, ctx) -> {
                        fired.computeIfAbsent(which, k -> new CopyOnWriteArrayList<>()).add(ctx.scheduledAt());
                        ranOn.add(instance);
                    })).start();
        }

        await().atMost(WAIT).until(() -> fired.getOrDefault("every", List.of()).size() >= 3
                && fired.getOrDefault("cron", List.of()).size() >= 3);
        opened.forEach(Jobs::close);

        for (String which : List.of("every", "cron")) {
            List<Instant> times = fired.get(which);
            assertThat(new HashSet<>(times)).as(which + " occurrences fired once each").hasSameSizeAs(times);
            List<Instant> sorted = times.stream().sorted().toList();
            for (int i = 1; i < sorted.size(); i++) {
                assertThat(Duration.between(sorted.get(i - 1), sorted.get(i))).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
            }
        }
        assertThat(fired.get("cron")).allMatch(t -> t.getNano() == 0);
        assertThat(TestDatabase.count(ds, "SELECT count(*) FROM grace_job_schedules")).isEqualTo(2);
    }

    @Test
    void theOperationsApiCountsAgesListsFailuresRetriesAndCancels() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        Jobs producer = open(builder("producer"));
        long p1 = producer.enqueue("work", "p1");
        long p2 = producer.enqueue("work", "p2");
        producer.enqueue("mail", "later", JobOptions.builder().queue("mail").delay(Duration.ofHours(1)).build());

        assertThat(producer.admin().counts()).containsExactly(
                new JobsAdmin.StatusCount("default", JobStatus.PENDING, 2),
                new JobsAdmin.StatusCount("mail", JobStatus.PENDING, 1));
        assertThat(producer.admin().oldestPendingAge("default")).get().satisfies(age -> assertThat(age).isGreaterThanOrEqualTo(Duration.ZERO));
        assertThat(producer.admin().oldestPendingAge("mail")).as("nothing due yet").isEqualTo(Optional.empty());
        assertThat(producer.admin().cancel(p2)).isTrue();
        assertThat(producer.admin().cancel(p2)).isFalse();
        assertThat(status(producer, p2)).isEqualTo(JobStatus.CANCELLED);

        Jobs worker = open(builder("worker").handler("work", String.class, (p, ctx) -> {
            if (p.equals("f1") && refuse.get()) {
                throw new IllegalStateException("refused " + p);
            }
        })).start();
        long f1 = worker.enqueue("work", "f1", JobOptions.builder().maxAttempts(1).build());
        await().atMost(WAIT).until(() -> status(worker, f1) == JobStatus.FAILED && status(worker, p1) == JobStatus.COMPLETED);
        assertThat(worker.admin().failures(10)).extracting(JobsAdmin.Failure::jobId).containsExactly(f1);
        assertThat(worker.admin().failures(10).get(0).error()).contains("refused f1");
        assertThat(worker.admin().retry(p1)).as("only failed jobs can be retried").isFalse();

        refuse.set(false);
        assertThat(worker.admin().retry(f1)).isTrue();
        await().atMost(WAIT).until(() -> status(worker, f1) == JobStatus.COMPLETED);
        assertThat(worker.admin().failures(10)).isEmpty();
        assertThat(worker.admin().throughputPerSecond(Duration.ofMinutes(1))).isEqualTo(2 / 60.0);
        assertThat(worker.admin().counts()).contains(new JobsAdmin.StatusCount("default", JobStatus.COMPLETED, 2),
                new JobsAdmin.StatusCount("default", JobStatus.CANCELLED, 1));
    }

    @Test
    void completedJobsAreDeletedAfterTheRetentionPeriodAndFailedOnesKept() {
        Jobs jobs = open(builder("a").retention(Duration.ofSeconds(1))
                .handler("ok", String.class, (p, ctx) -> { })).start();
        for (int i = 0; i < 5; i++) {
            jobs.enqueue("ok", "x" + i);
        }
        long failed = jobs.enqueue("no-handler", "x");

        await().atMost(WAIT).until(() -> TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed'") == 5);
        await().atMost(WAIT).until(() -> TestDatabase.count(ds, "SELECT count(*) FROM grace_jobs") == 1);
        assertThat(status(jobs, failed)).isEqualTo(JobStatus.FAILED);
    }

    @Test
    void migrateIsIdempotentAndSafeWhenInstancesStartAtTheSameTime(@Fresh PostgresDatabase empty) throws Exception {
        String url = empty.jdbcUrl();
        int instances = 8;
        try (HikariDataSource fresh = TestDatabase.pool(url, instances)) {
            CyclicBarrier barrier = new CyclicBarrier(instances);
            ExecutorService pool = Executors.newFixedThreadPool(instances);
            try {
                List<Future<?>> results = new ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    results.add(pool.submit(() -> {
                        barrier.await();
                        JobsSchema.migrate(fresh);
                        return null;
                    }));
                }
                for (Future<?> f : results) {
                    f.get(30, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            JobsSchema.migrate(fresh);
            assertThat(TestDatabase.count(fresh, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'grace_job%'"))
                    .isEqualTo(2);
            assertThat(TestDatabase.count(fresh, "SELECT count(*) FROM pg_indexes WHERE tablename = 'grace_jobs'"))
                    .isEqualTo(6);
        }
    }
}
