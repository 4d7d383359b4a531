package org.grace.benchmarks.jobs;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.grace.benchmarks.BenchLock;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.GraceInstances;
import org.grace.benchmarks.ResultsTable;
import org.grace.core.InstanceId;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.testsupport.PostgresServer;

/**
 * Enqueue throughput, no worker running: jobs written per second by Grace's {@code enqueue} (one transaction per
 * job) against db-scheduler's {@code SchedulerClient.schedule}, from 1 and 4 producer threads, and batched:
 * Grace's {@code enqueueAll} against db-scheduler's {@code scheduleBatch}, {@code --batch} jobs per call. Grace's
 * producer has the handler registered, so every payload is also read back as the handler's type (its enqueue-time
 * check) as in an application that both enqueues and works.
 *
 * <p>Options: {@code --jobs 5000 --batched-jobs 50000 --batch 1000 --producers 1,4 --runs 3}.
 */
public final class JobsEnqueueBenchmark {
    private JobsEnqueueBenchmark() {
    }

    interface Producer {
        void produce(int from, int to) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        JobsBench.quietLogs();
        Map<String, String> o = BenchOptions.parse("jobs=5000 batched-jobs=50000 batch=1000 producers=1,4 runs=3",
                args);
        int jobs = Integer.parseInt(o.get("jobs"));
        int batchedJobs = Integer.parseInt(o.get("batched-jobs"));
        int batch = Integer.parseInt(o.get("batch"));
        int runs = Integer.parseInt(o.get("runs"));
        List<Integer> producers = JobsBench.ints(o.get("producers"));
        Map<String, List<Double>> grace = new LinkedHashMap<>();
        Map<String, List<Double>> db = new LinkedHashMap<>();
        String loadStart;
        String loadEnd;
        try (PostgresServer postgres = PostgresServer.start();
             HikariDataSource ds = JobsBench.pool(postgres.createDatabase("jobs_enqueue"), 12)) {
            JobsBench.schema(ds);
            Jobs producer = Jobs.builder(ds).instanceId(InstanceId.of("enqueue-producer"))
                    .handler("noop", Integer.class, (n, ctx) -> { }).build();
            OneTimeTask<Void> noop = JobsBench.noopTask(() -> { });
            SchedulerClient client = SchedulerClient.Builder.create(ds, noop).build();
            try (BenchLock lock = BenchLock.take()) {
                loadStart = GraceInstances.loadAverages();
                for (int r = -1; r < runs; r++) {
                    for (int p : producers) {
                        String row = "single, " + p + " producer thread" + (p > 1 ? "s" : "");
                        record(db, row, r, timed(ds, "scheduled_tasks", jobs, p,
                                (from, to) -> {
                                    for (int i = from; i < to; i++) {
                                        client.schedule(noop.instance(Integer.toString(i)), Instant.now());
                                    }
                                }), "db-scheduler");
                        record(grace, row, r, timed(ds, "grace_jobs", jobs, p,
                                (from, to) -> {
                                    for (int i = from; i < to; i++) {
                                        producer.enqueue("noop", i, JobOptions.DEFAULTS);
                                    }
                                }), "grace");
                    }
                    String row = "batched, " + batch + " per call, 1 producer thread";
                    record(db, row, r, timed(ds, "scheduled_tasks", batchedJobs, 1, (from, to) -> {
                        List<TaskInstance<?>> list = new ArrayList<>(batch);
                        Instant now = Instant.now();
                        for (int i = from; i < to; i++) {
                            list.add(noop.instance(Integer.toString(i)));
                            if (list.size() == batch || i == to - 1) {
                                client.scheduleBatch(list, now);
                                list.clear();
                            }
                        }
                    }), "db-scheduler");
                    record(grace, row, r, timed(ds, "grace_jobs", batchedJobs, 1, (from, to) -> {
                        List<Integer> list = new ArrayList<>(batch);
                        for (int i = from; i < to; i++) {
                            list.add(i);
                            if (list.size() == batch || i == to - 1) {
                                producer.enqueueAll("noop", list, JobOptions.DEFAULTS);
                                list.clear();
                            }
                        }
                    }), "grace");
                }
                loadEnd = GraceInstances.loadAverages();
            }
        }
        JobsBench.tableHeading(String.format(Locale.ROOT, "Jobs enqueued per second (no worker running), %d single / "
                + "%d batched jobs per run, median of %d runs (min-max); db-scheduler %s.", jobs, batchedJobs, runs,
                JobsBench.version()), loadStart, loadEnd,
                "| enqueue | db-scheduler (jobs/s) | Grace (jobs/s) | Grace / db-scheduler |", "|---|---:|---:|---:|");
        ResultsTable.columns("Enqueue", "enqueue");
        for (String row : grace.keySet()) {
            JobsBench.runCells("Enqueue", row, db.get(row), grace.get(row), "Grace / db-scheduler");
            double g = JobsBench.median(grace.get(row));
            double d = JobsBench.median(db.get(row));
            System.out.printf(Locale.ROOT, "| %s | %.0f (%s) | %.0f (%s) | %.2fx |%n", row, d,
                    JobsBench.spread(db.get(row)), g, JobsBench.spread(grace.get(row)), g / d);
        }
    }

    private static void record(Map<String, List<Double>> into, String row, int run, double perSecond,
                               String library) {
        System.out.printf(Locale.ROOT, "%-12s %-40s %8.0f jobs/s%s%n", library, row, perSecond,
                run < 0 ? " (warm-up)" : "");
        if (run >= 0) {
            into.computeIfAbsent(row, k -> new ArrayList<>()).add(perSecond);
        }
    }

    /** Empties {@code table}, then times {@code producers} threads writing {@code jobs} jobs between them. */
    private static double timed(DataSource ds, String table, int jobs, int producers, Producer producer)
            throws Exception {
        JobsBench.execute(ds, "TRUNCATE " + table);
        JobsBench.execute(ds, "VACUUM ANALYZE " + table);
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        try {
            long t0 = System.nanoTime();
            List<Future<?>> parts = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                int from = jobs * p / producers;
                int to = jobs * (p + 1) / producers;
                parts.add(pool.submit(() -> {
                    producer.produce(from, to);
                    return null;
                }));
            }
            for (Future<?> f : parts) {
                f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long rows = JobsBench.count(ds, "SELECT count(*) FROM " + table);
            if (rows != jobs) {
                throw new IllegalStateException(table + " has " + rows + " rows, expected " + jobs);
            }
            return jobs / seconds;
        } finally {
            pool.shutdown();
        }
    }
}
