package org.grace.benchmarks.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerBuilder;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.core.jobs.JobsSchema;
import org.grace.testsupport.PostgresServer;

/**
 * No-op jobs per second, Grace against db-scheduler (lock-and-fetch polling), one instance each, the same worker
 * thread count, the same PostgreSQL and connection pool settings, one after the other in one run.
 *
 * <p>For each thread count and library: load N due jobs with the workers stopped, start the workers, and time until
 * every handler ran and the table shows every job finished (Grace: no row pending or running; db-scheduler: the
 * table empty, since it deletes a one-time execution when it completes). A small warm-up round of each library comes
 * first so both run JIT-compiled.
 *
 * <p>Arguments: {@code [jobs, default 20000] [thread counts, default 4,8]}.
 */
public final class JobsThroughputBenchmark {
    private static final int WARM_UP_JOBS = 2_000;
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    private static final double LOCK_AND_FETCH_LOWER = 0.5;

    private JobsThroughputBenchmark() {
    }

    record Result(int threads, String library, int jobs, double seconds) {
        double perSecond() {
            return jobs / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%n");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int jobs = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        List<Integer> threadCounts = new ArrayList<>();
        for (String t : (args.length > 1 ? args[1] : "4,8").split(",")) {
            threadCounts.add(Integer.parseInt(t.strip()));
        }
        double upper = SchedulerBuilder.UPPER_LIMIT_FRACTION_OF_THREADS_FOR_FETCH;

        List<Result> results = new ArrayList<>();
        try (PostgresServer postgres = PostgresServer.start()) {
            String url = postgres.createDatabase("jobs_bench");
            for (int threads : threadCounts) {
                try (HikariDataSource ds = pool(url, threads + 8)) {
                    JobsSchema.migrate(ds);
                    execute(ds, resource("db_scheduler_postgresql.sql"));
                    runGrace(ds, threads, WARM_UP_JOBS);
                    runDbScheduler(ds, threads, WARM_UP_JOBS, upper);
                    results.add(runDbScheduler(ds, threads, jobs, upper));
                    results.add(runGrace(ds, threads, jobs));
                }
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%d no-op jobs per run, one instance, PostgreSQL 17 (embedded), HikariCP pool "
                + "of threads + 8; db-scheduler %s with pollUsingLockAndFetch(%.1f, %.1f); poll interval %s for both.%n%n",
                jobs, dbSchedulerVersion(), LOCK_AND_FETCH_LOWER, upper, POLL_INTERVAL);
        System.out.println("| worker threads | db-scheduler (jobs/s) | Grace (jobs/s) | Grace / db-scheduler |");
        System.out.println("|---:|---:|---:|---:|");
        for (int threads : threadCounts) {
            Result db = find(results, threads, "db-scheduler");
            Result grace = find(results, threads, "grace");
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2fx |%n", threads, db.perSecond(), grace.perSecond(),
                    grace.perSecond() / db.perSecond());
        }
    }

    private static Result runGrace(DataSource ds, int threads, int jobs) throws Exception {
        execute(ds, "TRUNCATE grace_jobs; TRUNCATE grace_job_schedules");
        Jobs producer = Jobs.builder(ds).instanceId(InstanceId.of("bench-producer")).build();
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < jobs; i++) {
                producer.enqueue(c, "noop", i, JobOptions.DEFAULTS);
                if (i % 1_000 == 999) {
                    c.commit();
                }
            }
            c.commit();
        }
        execute(ds, "VACUUM ANALYZE grace_jobs");
        CountDownLatch done = new CountDownLatch(jobs);
        Jobs worker = Jobs.builder(ds).instanceId(InstanceId.of("bench-grace"))
                .queue("default", threads)
                .pollInterval(POLL_INTERVAL)
                .handler("noop", Integer.class, (n, ctx) -> done.countDown())
                .build();
        double seconds = secondsToDrain(worker::start, done, jobs, "grace", ds,
                "SELECT count(*) FROM grace_jobs WHERE status IN ('pending', 'running')");
        worker.close();
        long completed = count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed'");
        if (completed != jobs) {
            throw new IllegalStateException("grace completed " + completed + " of " + jobs);
        }
        return report(new Result(threads, "grace", jobs, seconds));
    }

    private static Result runDbScheduler(DataSource ds, int threads, int jobs, double upper) throws Exception {
        execute(ds, "TRUNCATE scheduled_tasks");
        CountDownLatch done = new CountDownLatch(jobs);
        OneTimeTask<Void> noop = Tasks.oneTime("noop").execute((instance, ctx) -> done.countDown());
        SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
        List<TaskInstance<?>> batch = new ArrayList<>(1_000);
        Instant now = Instant.now();
        for (int i = 0; i < jobs; i++) {
            batch.add(noop.instance(Integer.toString(i)));
            if (batch.size() == 1_000) {
                client.scheduleBatch(batch, now);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            client.scheduleBatch(batch, now);
        }
        execute(ds, "VACUUM ANALYZE scheduled_tasks");
        Scheduler scheduler = Scheduler.create(ds, noop)
                .threads(threads)
                .pollUsingLockAndFetch(LOCK_AND_FETCH_LOWER, upper)
                .pollingInterval(POLL_INTERVAL)
                .build();
        double seconds = secondsToDrain(scheduler::start, done, jobs, "db-scheduler", ds,
                "SELECT count(*) FROM scheduled_tasks");
        scheduler.stop();
        return report(new Result(threads, "db-scheduler", jobs, seconds));
    }

    /**
     * Starts the workers and measures until every job has run ({@code done}) and the library's table holds none
     * still to do ({@code remaining} counts them): the time both libraries are compared on.
     */
    private static double secondsToDrain(Runnable start, CountDownLatch done, int jobs, String library, DataSource ds,
                                         String remaining) throws Exception {
        long t0 = System.nanoTime();
        start.run();
        await(done, jobs, library);
        awaitZero(ds, remaining);
        return (System.nanoTime() - t0) / 1e9;
    }

    private static Result report(Result r) {
        System.out.printf(Locale.ROOT, "%-12s %2d threads: %6d jobs in %6.2f s = %7.0f jobs/s%n", r.library(),
                r.threads(), r.jobs(), r.seconds(), r.perSecond());
        return r;
    }

    private static Result find(List<Result> results, int threads, String library) {
        return results.stream().filter(r -> r.threads() == threads && r.library().equals(library))
                .reduce((a, b) -> b).orElseThrow();
    }

    private static void await(CountDownLatch done, int jobs, String library) throws InterruptedException {
        if (!done.await(10, TimeUnit.MINUTES)) {
            throw new IllegalStateException(library + " ran only " + (jobs - done.getCount()) + " of " + jobs);
        }
    }

    private static void awaitZero(DataSource ds, String sql) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (count(ds, sql) != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still not zero after 2 minutes: " + sql);
            }
            Thread.sleep(5);
        }
    }

    private static String dbSchedulerVersion() throws IOException {
        try (InputStream in = Scheduler.class.getResourceAsStream(
                "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "(unknown version)");
        }
    }

    private static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = JobsThroughputBenchmark.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
