package org.grace.benchmarks.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.grace.benchmarks.BenchLock;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.GraceInstances;
import org.grace.benchmarks.ResultsTable;
import org.grace.core.jobs.Jobs;
import org.grace.testsupport.PostgresServer;

/**
 * No-op jobs per second, Grace against db-scheduler (lock-and-fetch polling), the same worker threads per instance,
 * the same PostgreSQL and connection pool settings: one instance in this JVM, and three instances in three child JVMs
 * ({@link JobsBenchWorker}) sharing the database.
 *
 * <p>For each cell: load N due jobs with the workers stopped (not timed), start the workers, and time until every
 * job is finished in the table (Grace: no row pending or running; db-scheduler: the table empty, since it deletes a
 * one-time execution when it completes; in one instance also until every handler ran). A warm-up round of each
 * library comes first. Each cell is measured {@code runs} times; single-instance runs alternate which library goes
 * first. With {@code --profile true} PostgreSQL loads pg_stat_statements and each single-instance cell prints its
 * statements and commits per job instead of the table.
 *
 * <p>Options ({@link BenchOptions}): {@code --jobs 20000 --threads 1,2,4,8,16,32 --runs 3
 * --cluster-threads 1,4,16 --instances 3 --profile false --grace-retention P1D} (Grace's default retention; {@code PT0S}
 * deletes completed rows, single instance only); {@code --cluster-threads none} skips the cluster rounds,
 * {@code --threads none} the single-instance ones. Measured parts hold the {@code GRACE_BENCH_LOCK}.
 */
public final class JobsThroughputBenchmark {
    private static final int WARM_UP_JOBS = 2_000;
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(5);
    private static Duration retention = Jobs.DEFAULT_RETENTION;

    private JobsThroughputBenchmark() {
    }

    record Result(String mode, int threads, String library, int jobs, double seconds) {
        double perSecond() {
            return jobs / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        JobsBench.quietLogs();
        Map<String, String> o = BenchOptions.parse(
                "jobs=20000 threads=1,2,4,8,16,32 runs=3 cluster-threads=1,4,16 instances=3 profile=false "
                        + "grace-retention=P1D", args);
        int jobs = Integer.parseInt(o.get("jobs"));
        int runs = Integer.parseInt(o.get("runs"));
        int instances = Integer.parseInt(o.get("instances"));
        boolean profile = Boolean.parseBoolean(o.get("profile"));
        retention = Duration.parse(o.get("grace-retention"));
        List<Integer> threadCounts = o.get("threads").equals("none") ? List.of() : JobsBench.ints(o.get("threads"));
        List<Integer> clusterThreads = o.get("cluster-threads").equals("none") || profile ? List.of()
                : JobsBench.ints(o.get("cluster-threads"));

        List<Result> results = new ArrayList<>();
        String loadStart;
        String loadEnd;
        long deadlocks;
        try (PostgresServer postgres = PostgresServer.start()) {
            String url = postgres.createDatabase("jobs_bench");
            if (profile) {
                loadStatementStatistics(postgres, url);
            }
            try (BenchLock lock = BenchLock.take()) {
                loadStart = GraceInstances.loadAverages();
                System.out.println("load average at start: " + loadStart + " (waited " + lock.waitedSeconds()
                        + " s for the bench lock)");
                for (int threads : threadCounts) {
                    try (HikariDataSource ds = JobsBench.pool(url, threads + 8)) {
                        JobsBench.schema(ds);
                        runGrace(ds, threads, WARM_UP_JOBS, null);
                        runDbScheduler(ds, threads, WARM_UP_JOBS, null);
                        for (int r = 0; r < (profile ? 1 : runs); r++) {
                            Profile p = profile ? new Profile(ds, jobs) : null;
                            if (r % 2 == 0) {
                                results.add(runDbScheduler(ds, threads, jobs, p));
                                results.add(runGrace(ds, threads, jobs, p));
                            } else {
                                results.add(runGrace(ds, threads, jobs, p));
                                results.add(runDbScheduler(ds, threads, jobs, p));
                            }
                        }
                    }
                }
                for (int threads : clusterThreads) {
                    try (HikariDataSource ds = JobsBench.pool(url, 4)) {
                        JobsBench.schema(ds);
                        for (String library : List.of(JobsBench.DB_SCHEDULER, JobsBench.GRACE)) {
                            results.addAll(runCluster(ds, url, library, instances, threads, jobs, runs));
                        }
                    }
                }
                loadEnd = GraceInstances.loadAverages();
            }
            JobsBench.sleepQuietly(1_000); // PostgreSQL publishes its statistics about once a second
            try (HikariDataSource ds = JobsBench.pool(url, 1)) {
                deadlocks = JobsBench.count(ds, "SELECT deadlocks FROM pg_stat_database "
                        + "WHERE datname = current_database()");
            }
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%d no-op jobs per run, PostgreSQL 17 (embedded), HikariCP pool of threads + 8 "
                + "per instance; db-scheduler %s with pollUsingLockAndFetch(%.1f, %.1f); poll interval %s for both; "
                + "median of %d runs (min-max).%n", jobs, JobsBench.version(), JobsBench.LOCK_AND_FETCH_LOWER,
                com.github.kagkarlsson.scheduler.SchedulerBuilder.UPPER_LIMIT_FRACTION_OF_THREADS_FOR_FETCH,
                JobsBench.POLL_INTERVAL, profile ? 1 : runs);
        System.out.println("load average at start: " + loadStart + "; at end: " + loadEnd);
        System.out.println("deadlocks PostgreSQL broke in the benchmark's database over the whole program, both "
                + "libraries and every cell (pg_stat_database): " + deadlocks);
        table(results, "1 instance", threadCounts, "worker threads");
        table(results, instances + " instances", clusterThreads, "worker threads per instance");
    }

    private static void table(List<Result> results, String mode, List<Integer> threadCounts, String header) {
        if (threadCounts.isEmpty()) {
            return;
        }
        System.out.println();
        System.out.println(mode + ":");
        System.out.println("| " + header + " | db-scheduler (jobs/s) | Grace (jobs/s) | Grace / db-scheduler |");
        System.out.println("|---:|---:|---:|---:|");
        String resultTable = "Throughput, " + mode;
        ResultsTable.columns(resultTable, header);
        for (int threads : threadCounts) {
            List<Double> db = rates(results, mode, threads, JobsBench.DB_SCHEDULER);
            List<Double> grace = rates(results, mode, threads, JobsBench.GRACE);
            JobsBench.runCells(resultTable, String.valueOf(threads), db, grace, "Grace / db-scheduler (goal >= 1.2)");
            System.out.printf(Locale.ROOT, "| %d | %.0f (%s) | %.0f (%s) | %.2fx |%n", threads, JobsBench.median(db),
                    JobsBench.spread(db), JobsBench.median(grace), JobsBench.spread(grace),
                    JobsBench.median(grace) / JobsBench.median(db));
        }
    }

    private static List<Double> rates(List<Result> results, String mode, int threads, String library) {
        return results.stream().filter(r -> r.mode().equals(mode) && r.threads() == threads
                && r.library().equals(library)).map(Result::perSecond).toList();
    }

    private static Result runGrace(DataSource ds, int threads, int jobs, Profile profile) throws Exception {
        JobsBench.loadGrace(ds, jobs);
        CountDownLatch done = new CountDownLatch(jobs);
        Jobs worker = JobsBench.graceWorker(ds, threads, done::countDown, "bench-grace", retention);
        double seconds = secondsToDrain(worker::start, done, jobs, ds, JobsBench.GRACE_REMAINING, profile);
        worker.close();
        long completed = JobsBench.count(ds, "SELECT count(*) FROM grace_jobs WHERE status = 'completed'");
        if (completed != (retention.isZero() ? 0 : jobs)) {
            throw new IllegalStateException("grace completed " + completed + " of " + jobs);
        }
        return report(new Result("1 instance", threads, JobsBench.GRACE, jobs, seconds), profile);
    }

    private static Result runDbScheduler(DataSource ds, int threads, int jobs, Profile profile) throws Exception {
        JobsBench.loadDbScheduler(ds, jobs);
        CountDownLatch done = new CountDownLatch(jobs);
        Scheduler scheduler = JobsBench.dbScheduler(ds, threads, done::countDown, "bench-db-scheduler");
        double seconds = secondsToDrain(scheduler::start, done, jobs, ds, JobsBench.DB_SCHEDULER_REMAINING, profile);
        scheduler.stop();
        return report(new Result("1 instance", threads, JobsBench.DB_SCHEDULER, jobs, seconds), profile);
    }

    /** Starts the workers, measures until every handler ran and the table holds none still to do. */
    private static double secondsToDrain(Runnable start, CountDownLatch done, int jobs, DataSource ds,
                                         String remaining, Profile profile) throws Exception {
        if (profile != null) {
            profile.begin();
        }
        long t0 = System.nanoTime();
        start.run();
        if (!done.await(DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("ran only " + (jobs - done.getCount()) + " of " + jobs);
        }
        JobsBench.awaitZero(ds, remaining, DRAIN_TIMEOUT);
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Three (or {@code instances}) child JVMs of one library: a warm-up round, then {@code runs} measured rounds,
     * each loading the jobs, telling every instance to start, and timing until the table is drained.
     */
    private static List<Result> runCluster(DataSource ds, String url, String library, int instances, int threads,
                                           int jobs, int runs) throws Exception {
        List<Process> children = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        String remaining = library.equals(JobsBench.GRACE) ? JobsBench.GRACE_REMAINING
                : JobsBench.DB_SCHEDULER_REMAINING;
        try {
            for (int i = 0; i < instances; i++) {
                Path java = Path.of(System.getProperty("java.home"), "bin", "java");
                children.add(new ProcessBuilder(java.toString(), "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                        System.getProperty("java.class.path"), JobsBenchWorker.class.getName(), library, url,
                        Integer.toString(threads), "bench-" + library + "-" + i)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
            }
            for (Process p : children) {
                expect(p, "ready");
            }
            for (int r = -1; r < runs; r++) {
                int n = r < 0 ? WARM_UP_JOBS : jobs;
                if (library.equals(JobsBench.GRACE)) {
                    JobsBench.loadGrace(ds, n);
                } else {
                    JobsBench.loadDbScheduler(ds, n);
                }
                long t0 = System.nanoTime();
                for (Process p : children) {
                    send(p, "go");
                }
                JobsBench.awaitZero(ds, remaining, DRAIN_TIMEOUT);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long ran = 0;
                StringBuilder each = new StringBuilder();
                for (Process p : children) {
                    expect(p, "started");
                    send(p, "stop");
                    long k = Long.parseLong(expect(p, "stopped").substring("stopped ".length()));
                    ran += k;
                    each.append(each.length() > 0 ? "/" : "").append(k);
                }
                if (ran < n) {
                    throw new IllegalStateException(library + " instances ran " + ran + " of " + n);
                }
                if (library.equals(JobsBench.GRACE)) {
                    long completed = JobsBench.count(ds,
                            "SELECT count(*) FROM grace_jobs WHERE status = 'completed'");
                    if (completed != n) {
                        throw new IllegalStateException("grace completed " + completed + " of " + n);
                    }
                }
                Result result = new Result(instances + " instances", threads, library, n, seconds);
                System.out.printf(Locale.ROOT, "%-12s %d x %2d threads: %6d jobs in %6.2f s = %7.0f jobs/s "
                        + "(per instance %s)%s%n", library, instances, threads, n, seconds, result.perSecond(), each,
                        r < 0 ? " warm-up" : "");
                if (r >= 0) {
                    results.add(result);
                }
            }
        } finally {
            for (Process p : children) {
                p.getOutputStream().close();
            }
            for (Process p : children) {
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        return results;
    }

    private static void send(Process p, String line) throws IOException {
        OutputStream out = p.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The child's next output line, which must start with {@code prefix}. */
    private static String expect(Process p, String prefix) throws IOException {
        BufferedReader in = reader(p);
        String line = in.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IllegalStateException("child JVM said " + line + ", expected " + prefix);
        }
        return line;
    }

    private static final Map<Process, BufferedReader> READERS = new java.util.concurrent.ConcurrentHashMap<>();

    private static BufferedReader reader(Process p) {
        return READERS.computeIfAbsent(p, k -> new BufferedReader(
                new InputStreamReader(k.getInputStream(), StandardCharsets.UTF_8)));
    }

    private static Result report(Result r, Profile profile) throws SQLException {
        System.out.printf(Locale.ROOT, "%-12s %2d threads: %6d jobs in %6.2f s = %7.0f jobs/s%n", r.library(),
                r.threads(), r.jobs(), r.seconds(), r.perSecond());
        if (profile != null) {
            profile.print();
        }
        return r;
    }

    /** pg_stat_statements and commit counts of one measured round (profile mode). */
    private static final class Profile {
        private final DataSource ds;
        private final int jobs;
        private long commitsBefore;

        Profile(DataSource ds, int jobs) {
            this.ds = ds;
            this.jobs = jobs;
        }

        void begin() throws SQLException {
            JobsBench.execute(ds, "SELECT pg_stat_statements_reset()");
            JobsBench.execute(ds, "SELECT pg_stat_clear_snapshot()");
            commitsBefore = commits();
        }

        private long commits() throws SQLException {
            JobsBench.execute(ds, "SELECT pg_stat_force_next_flush()");
            return JobsBench.count(ds, "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
        }

        void print() throws SQLException {
            JobsBench.sleepQuietly(600);
            long commits = commits() - commitsBefore;
            System.out.printf(Locale.ROOT, "    commits (all sessions, including the benchmark's polling): %d = %.3f "
                    + "per job%n", commits, commits / (double) jobs);
            System.out.println("    calls/job  rows/call  mean ms  total ms  statement");
            JobsBench.rows(ds, String.format(Locale.ROOT, """
                    SELECT to_char(calls / %d.0, 'FM990.000'), to_char(rows / greatest(calls, 1)::numeric, 'FM9990.0'),
                           to_char(mean_exec_time, 'FM990.000'), to_char(total_exec_time, 'FM999990'),
                           left(regexp_replace(query, '\\s+', ' ', 'g'), 110)
                      FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
                     ORDER BY total_exec_time DESC LIMIT 8""", jobs), line -> System.out.println("    " + line));
        }
    }

    /** Restarts the embedded server with pg_stat_statements loaded and creates the extension in the database. */
    private static void loadStatementStatistics(PostgresServer postgres, String url) throws SQLException {
        try (HikariDataSource ds = JobsBench.pool(url, 1)) {
            JobsBench.execute(ds, "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
            JobsBench.execute(ds, "ALTER SYSTEM SET pg_stat_statements.track = 'all'");
        }
        postgres.stop();
        postgres.restart();
        try (HikariDataSource ds = JobsBench.pool(url, 1)) {
            JobsBench.execute(ds, "CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }
}
