package org.grace.benchmarks.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.ResultsTable;
import org.grace.core.InstanceId;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;

/**
 * Pickup latency: from the enqueue call (on a separate producer, as another instance would enqueue) to the start of
 * the handler on an idle worker instance with 4 threads, one job at a time with a random 10-60 ms pause between jobs
 * (so polling schedulers are caught at every phase of their cycle). Grace with its defaults (NOTIFY, 5 s poll);
 * db-scheduler polling (lock-and-fetch) every {@code --db-polls} milliseconds, and with its immediate execution
 * (the job scheduled through the worker's own scheduler, which then checks at once; 10 s poll).
 *
 * <p>Options: {@code --samples 300 --runs 3 --db-polls 10,100}.
 */
public final class JobsPickupLatencyBenchmark {
    private static final int THREADS = 4;

    private JobsPickupLatencyBenchmark() {
    }

    record Stats(double p50, double p99) {
    }

    public static void main(String[] args) throws Exception {
        JobsBench.quietLogs();
        Map<String, String> o = BenchOptions.parse("samples=300 runs=3 db-polls=10,100", args);
        int samples = Integer.parseInt(o.get("samples"));
        int runs = Integer.parseInt(o.get("runs"));
        List<Integer> polls = JobsBench.ints(o.get("db-polls"));
        Map<String, List<Stats>> results = new java.util.LinkedHashMap<>();
        JobsBench.Loads loads = JobsBench.measure("jobs_pickup", THREADS + 8, ds -> {
            for (int r = 0; r < runs; r++) {
                add(results, "Grace (NOTIFY; poll 5 s)", grace(ds, samples));
                for (int poll : polls) {
                    add(results, "db-scheduler, poll " + poll + " ms", dbScheduler(ds, samples, poll, false));
                }
                add(results, "db-scheduler, immediate execution (same instance schedules; poll 10 s)",
                        dbScheduler(ds, samples, 10_000, true));
            }
        });
        JobsBench.tableHeading(String.format(Locale.ROOT, "Enqueue call to handler start, %d jobs one at a time per "
                + "run, idle instance with %d threads; median of %d runs (min-max).", samples, THREADS, runs),
                loads, "| scheduler | p50 (ms) | p99 (ms) |", "|---|---:|---:|");
        ResultsTable.columns("Pickup latency", "scheduler");
        results.forEach((name, stats) -> {
            stats.forEach(st -> {
                ResultsTable.cell("Pickup latency", name, "p50 (ms)", st.p50(), 1);
                ResultsTable.cell("Pickup latency", name, "p99 (ms)", st.p99(), 1);
            });
            List<Double> p50 = stats.stream().map(Stats::p50).toList();
            List<Double> p99 = stats.stream().map(Stats::p99).toList();
            System.out.printf(Locale.ROOT, "| %s | %.1f (%s) | %.1f (%s) |%n", name, JobsBench.median(p50),
                    range(p50), JobsBench.median(p99), range(p99));
        });
    }

    private static String range(List<Double> v) {
        return String.format(Locale.ROOT, "%.1f-%.1f", v.stream().mapToDouble(d -> d).min().orElse(0),
                v.stream().mapToDouble(d -> d).max().orElse(0));
    }

    private static void add(Map<String, List<Stats>> results, String name, Stats s) {
        results.computeIfAbsent(name, k -> new ArrayList<>()).add(s);
        System.out.printf(Locale.ROOT, "%-75s p50 %7.1f ms  p99 %7.1f ms%n", name, s.p50(), s.p99());
    }

    private static Stats grace(DataSource ds, int samples) throws Exception {
        JobsBench.execute(ds, "TRUNCATE grace_jobs");
        long[] enqueuedAt = new long[samples];
        long[] startedAt = new long[samples];
        AtomicReference<CountDownLatch> started = new AtomicReference<>();
        Jobs worker = Jobs.builder(ds).instanceId(InstanceId.of("pickup-worker")).queue("default", THREADS)
                .handler("ping", Integer.class, (n, ctx) -> {
                    startedAt[n] = System.nanoTime();
                    started.get().countDown();
                }).build().start();
        Jobs producer = Jobs.builder(ds).instanceId(InstanceId.of("pickup-producer")).build();
        try {
            return measure(samples, enqueuedAt, startedAt, started, n -> producer.enqueue("ping", n,
                    JobOptions.DEFAULTS));
        } finally {
            worker.close();
        }
    }

    private static Stats dbScheduler(DataSource ds, int samples, int pollMillis, boolean immediate) throws Exception {
        JobsBench.execute(ds, "TRUNCATE scheduled_tasks");
        long[] enqueuedAt = new long[samples];
        long[] startedAt = new long[samples];
        AtomicReference<CountDownLatch> started = new AtomicReference<>();
        OneTimeTask<Void> ping = Tasks.oneTime("ping").execute((instance, ctx) -> {
            int n = Integer.parseInt(instance.getId());
            startedAt[n] = System.nanoTime();
            started.get().countDown();
        });
        var builder = Scheduler.create(ds, ping).threads(THREADS)
                .pollUsingLockAndFetch(JobsBench.LOCK_AND_FETCH_LOWER,
                        com.github.kagkarlsson.scheduler.SchedulerBuilder.UPPER_LIMIT_FRACTION_OF_THREADS_FOR_FETCH)
                .pollingInterval(Duration.ofMillis(pollMillis));
        if (immediate) {
            builder.enableImmediateExecution();
        }
        Scheduler scheduler = builder.build();
        scheduler.start();
        SchedulerClient client = immediate ? scheduler : SchedulerClient.Builder.create(ds, ping).build();
        try {
            return measure(samples, enqueuedAt, startedAt, started,
                    n -> client.schedule(ping.instance(Integer.toString(n)), Instant.now()));
        } finally {
            scheduler.stop();
        }
    }

    interface Enqueue {
        void enqueue(int n) throws Exception;
    }

    private static Stats measure(int samples, long[] enqueuedAt, long[] startedAt,
                                 AtomicReference<CountDownLatch> started, Enqueue enqueue) throws Exception {
        Random random = new Random(42);
        Thread.sleep(500);
        int warmUp = Math.min(50, samples / 5);
        double[] ms = new double[samples - warmUp];
        for (int n = 0; n < samples; n++) {
            started.set(new CountDownLatch(1));
            enqueuedAt[n] = System.nanoTime();
            enqueue.enqueue(n);
            if (!started.get().await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("job " + n + " not picked up within 30 s");
            }
            if (n >= warmUp) {
                ms[n - warmUp] = (startedAt[n] - enqueuedAt[n]) / 1e6;
            }
            Thread.sleep(10 + random.nextInt(51));
        }
        Arrays.sort(ms);
        return new Stats(ms[(int) Math.floor(0.5 * (ms.length - 1))], ms[(int) Math.ceil(0.99 * (ms.length - 1))]);
    }
}
