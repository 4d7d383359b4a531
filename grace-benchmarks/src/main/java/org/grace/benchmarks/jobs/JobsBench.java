package org.grace.benchmarks.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
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
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.grace.benchmarks.BenchLock;
import org.grace.benchmarks.GraceInstances;
import org.grace.benchmarks.ResultsTable;
import org.grace.core.InstanceId;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.core.jobs.JobsSchema;
import org.grace.testsupport.PostgresServer;

/**
 * What the jobs benchmarks share: the two libraries set up the same way (pool, poll interval, no-op task), loading
 * due jobs, waiting for a table to drain, medians.
 */
final class JobsBench {
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    static final double LOCK_AND_FETCH_LOWER = 0.5;
    static final String GRACE = "grace";
    static final String DB_SCHEDULER = "db-scheduler";
    /**
     * Grace's jobs still to do, through its two partial indexes (pending, running): a plain count over the table
     * would scan every completed row it keeps, each poll, while db-scheduler's table shrinks as it works.
     */
    static final String GRACE_REMAINING = "SELECT (SELECT count(*) FROM grace_jobs WHERE status = 'pending') "
            + "+ (SELECT count(*) FROM grace_jobs WHERE status = 'running')";
    static final String DB_SCHEDULER_REMAINING = "SELECT count(*) FROM scheduled_tasks";

    private JobsBench() {
    }

    static void quietLogs() {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%n");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    /** The machine's load averages when a measurement began and ended. */
    record Loads(String start, String end) {
    }

    /** A measurement on a pool whose database has both schedulers' tables. */
    @FunctionalInterface
    interface Measurement {
        void run(HikariDataSource ds) throws Exception;
    }

    /**
     * Starts a throwaway PostgreSQL with a new database {@code database} holding both schedulers' tables, a pool of
     * {@code poolSize} on it, and runs {@code measurement} holding the bench lock; returns the load around it.
     */
    static Loads measure(String database, int poolSize, Measurement measurement) throws Exception {
        try (PostgresServer postgres = PostgresServer.start();
             HikariDataSource ds = pool(postgres.createDatabase(database), poolSize)) {
            schema(ds);
            try (BenchLock lock = BenchLock.take()) {
                String start = GraceInstances.loadAverages();
                measurement.run(ds);
                return new Loads(start, GraceInstances.loadAverages());
            }
        }
    }

    /** A results table's heading: a blank line, the caption, the load during the run, the columns' two lines. */
    static void tableHeading(String caption, Loads loads, String columns, String alignment) {
        tableHeading(caption, loads.start(), loads.end(), columns, alignment);
    }

    /** A results table's heading: a blank line, the caption, the load during the run, the columns' two lines. */
    static void tableHeading(String caption, String loadStart, String loadEnd, String columns, String alignment) {
        System.out.println();
        System.out.println(caption);
        System.out.println("load average at start: " + loadStart + "; at end: " + loadEnd);
        System.out.println(columns);
        System.out.println(alignment);
    }

    static List<Integer> ints(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String t : csv.split(",")) {
            out.add(Integer.parseInt(t.strip()));
        }
        return out;
    }

    /** Both libraries' tables, emptied. */
    static void schema(DataSource ds) throws IOException, SQLException {
        JobsSchema.migrate(ds);
        execute(ds, resource("db_scheduler_postgresql.sql"));
    }

    static OneTimeTask<Void> noopTask(Runnable onRun) {
        return Tasks.oneTime("noop").execute((instance, ctx) -> onRun.run());
    }

    /** A db-scheduler instance as the throughput runs use it: lock-and-fetch, {@code threads} workers. */
    static Scheduler dbScheduler(DataSource ds, int threads, Runnable onRun, String name) {
        return Scheduler.create(ds, noopTask(onRun))
                .threads(threads)
                .schedulerName(new com.github.kagkarlsson.scheduler.SchedulerName.Fixed(name))
                .pollUsingLockAndFetch(LOCK_AND_FETCH_LOWER,
                        com.github.kagkarlsson.scheduler.SchedulerBuilder.UPPER_LIMIT_FRACTION_OF_THREADS_FOR_FETCH)
                .pollingInterval(POLL_INTERVAL)
                .build();
    }

    /** A Grace instance as the throughput runs use it: defaults but for the poll interval, {@code threads} workers. */
    static Jobs graceWorker(DataSource ds, int threads, Runnable onRun, String name) {
        return graceWorker(ds, threads, onRun, name, Jobs.DEFAULT_RETENTION);
    }

    /** As above with another retention ({@code Duration.ZERO}: completed rows deleted, not updated). */
    static Jobs graceWorker(DataSource ds, int threads, Runnable onRun, String name, Duration retention) {
        return Jobs.builder(ds).instanceId(InstanceId.of(name)).retention(retention)
                .queue("default", threads)
                .pollInterval(POLL_INTERVAL)
                .handler("noop", Integer.class, (n, ctx) -> onRun.run())
                .build();
    }

    /** Empties Grace's table and inserts {@code jobs} due no-op jobs (batched enqueue; not timed). */
    static void loadGrace(DataSource ds, int jobs) throws SQLException {
        execute(ds, "TRUNCATE grace_jobs; TRUNCATE grace_job_schedules");
        Jobs producer = Jobs.builder(ds).instanceId(InstanceId.of("bench-producer")).build();
        List<Integer> batch = new ArrayList<>();
        for (int i = 0; i < jobs; i++) {
            batch.add(i);
            if (batch.size() == 1_000 || i == jobs - 1) {
                producer.enqueueAll("noop", batch, JobOptions.DEFAULTS);
                batch.clear();
            }
        }
        execute(ds, "VACUUM ANALYZE grace_jobs");
    }

    /** Empties db-scheduler's table and inserts {@code jobs} due no-op executions (its scheduleBatch; not timed). */
    static void loadDbScheduler(DataSource ds, int jobs) throws SQLException {
        execute(ds, "TRUNCATE scheduled_tasks");
        OneTimeTask<Void> noop = noopTask(() -> { });
        SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
        List<TaskInstance<?>> batch = new ArrayList<>(1_000);
        Instant now = Instant.now();
        for (int i = 0; i < jobs; i++) {
            batch.add(noop.instance(Integer.toString(i)));
            if (batch.size() == 1_000 || i == jobs - 1) {
                client.scheduleBatch(batch, now);
                batch.clear();
            }
        }
        execute(ds, "VACUUM ANALYZE scheduled_tasks");
    }

    static void awaitZero(DataSource ds, String sql, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(ds, sql) != 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still not zero after " + timeout + ": " + sql);
            }
            Thread.sleep(5);
        }
    }

    static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername("postgres");
        config.setMaximumPoolSize(size);
        config.setMinimumIdle(size);
        return new HikariDataSource(config);
    }

    static String resource(String name) throws IOException {
        try (InputStream in = JobsBench.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void execute(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static long count(DataSource ds, String sql) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Rows of a query, each row's columns joined by a tab, to print. */
    static void rows(DataSource ds, String sql, Consumer<String> out) throws SQLException {
        try (Connection c = ds.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i > 1 ? "\t" : "").append(rs.getString(i));
                }
                out.accept(b.toString());
            }
        }
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /** "min-max" of the values, rounded. */
    /**
     * One {@code grace-result} line per run for a row of a Grace-against-db-scheduler table: both rates and the run's
     * own ratio (the runs are paired in the order measured), so run.sh's medians and spreads come from these lines.
     */
    static void runCells(String table, String row, List<Double> db, List<Double> grace, String ratioColumn) {
        for (int i = 0; i < Math.min(db.size(), grace.size()); i++) {
            ResultsTable.cell(table, row, "db-scheduler (jobs/s)", db.get(i), 0);
            ResultsTable.cell(table, row, "Grace (jobs/s)", grace.get(i), 0);
            ResultsTable.cell(table, row, ratioColumn, grace.get(i) / db.get(i), 2);
        }
    }

    static String spread(List<Double> values) {
        return String.format(Locale.ROOT, "%.0f-%.0f", values.stream().mapToDouble(d -> d).min().orElse(0),
                values.stream().mapToDouble(d -> d).max().orElse(0));
    }

    static void sleepQuietly(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String version() throws IOException {
        try (InputStream in = Scheduler.class.getResourceAsStream(
                "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "(unknown version)");
        }
    }
}
