package org.grace.benchmarks.jobs;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.ResultsTable;

/**
 * The database's share alone: raw JDBC loops on Grace's table doing only the statements Grace needs per job with
 * no handler, no thread hand-off and no Java bookkeeping, on {@code --connections} connections at once. Each loop
 * repeats one statement that completes the jobs it claimed last time and claims the next {@code --batch} due jobs
 * (as Grace's dispatchers do), until the table is drained. This is the ceiling of Grace's design on this machine at
 * that batch size: what PostgreSQL can commit, measured, beside the library's rows.
 *
 * <p>Options: {@code --jobs 20000 --batch 10 --connections 1,2,4 --runs 3}.
 */
public final class JobsFloorBenchmark {
    private static final String ROUND = """
            WITH done AS (
                UPDATE grace_jobs j
                   SET status = 'completed', finished_at = now(), updated_at = now(), lease_expires_at = NULL
                  FROM unnest(?::bigint[], ?::int[]) AS c(id, attempt)
                 WHERE j.id = c.id AND j.attempts = c.attempt AND j.lease_owner = 'floor' AND j.status = 'running'
                RETURNING j.id)
            UPDATE grace_jobs j
               SET status = 'running', lease_owner = 'floor', lease_expires_at = now() + interval '60 seconds',
                   attempts = j.attempts + 1, started_at = now(), updated_at = now()
             WHERE j.id = ANY (ARRAY(
                   SELECT id FROM grace_jobs
                    WHERE status = 'pending' AND queue = 'default' AND run_at <= now()
                    ORDER BY priority DESC, run_at, id
                    LIMIT ?
                    FOR UPDATE SKIP LOCKED))
               AND j.status = 'pending'
            RETURNING j.id, j.attempts, j.payload::text""";

    /** Rounds PostgreSQL ended as deadlock victims, over the whole program (printed with each figure). */
    private static final AtomicInteger DEADLOCKS = new AtomicInteger();

    private JobsFloorBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        JobsBench.quietLogs();
        Map<String, String> o = BenchOptions.parse("jobs=20000 batch=10 connections=1,2,4 runs=3", args);
        int jobs = Integer.parseInt(o.get("jobs"));
        int batch = Integer.parseInt(o.get("batch"));
        int runs = Integer.parseInt(o.get("runs"));
        List<Integer> connections = JobsBench.ints(o.get("connections"));
        Map<Integer, List<Double>> rates = new java.util.LinkedHashMap<>();
        JobsBench.Loads loads = JobsBench.measure("jobs_floor", 12, ds -> {
            for (int r = -1; r < runs; r++) {
                for (int n : connections) {
                    JobsBench.loadGrace(ds, jobs);
                    int deadlocksBefore = DEADLOCKS.get();
                    double perSecond = drain(ds, n, batch, jobs);
                    System.out.printf(Locale.ROOT, "floor %d connection(s), batch %d: %8.0f jobs/s, %d round(s) "
                            + "ended by a deadlock%s%n", n, batch, perSecond, DEADLOCKS.get() - deadlocksBefore,
                            r < 0 ? " (warm-up)" : "");
                    if (r >= 0) {
                        rates.computeIfAbsent(n, k -> new ArrayList<>()).add(perSecond);
                    }
                }
            }
        });
        JobsBench.tableHeading(String.format(Locale.ROOT, "Raw JDBC complete-and-claim loops, batch %d, %d jobs, "
                + "median of %d runs (min-max).", batch, jobs, runs), loads, "| connections | jobs/s |",
                "|---:|---:|");
        ResultsTable.columns("Floor", "connections");
        rates.forEach((n, v) -> {
            v.forEach(perSecond -> ResultsTable.cell("Floor", String.valueOf(n), "jobs/s", perSecond, 0));
            System.out.printf(Locale.ROOT, "| %d | %.0f (%s) |%n", n, JobsBench.median(v), JobsBench.spread(v));
        });
    }

    private static double drain(HikariDataSource ds, int connections, int batch, int jobs) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            long t0 = System.nanoTime();
            List<Future<Integer>> loops = new ArrayList<>();
            for (int i = 0; i < connections; i++) {
                loops.add(pool.submit(() -> loop(ds, batch)));
            }
            int done = 0;
            for (Future<Integer> f : loops) {
                done += f.get();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (done != jobs) {
                throw new IllegalStateException("completed " + done + " of " + jobs);
            }
            return jobs / seconds;
        } finally {
            pool.shutdown();
        }
    }

    /** Claims and completes until a claim finds nothing; returns the jobs this loop completed. */
    private static int loop(HikariDataSource ds, int batch) throws Exception {
        int completed = 0;
        List<Long> ids = new ArrayList<>();
        List<Integer> attempts = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(ROUND)) {
            while (true) {
                Array idArray = c.createArrayOf("bigint", ids.toArray());
                Array attemptArray = c.createArrayOf("int4", attempts.toArray());
                ps.setArray(1, idArray);
                ps.setArray(2, attemptArray);
                ps.setInt(3, batch);
                List<Long> claimed = new ArrayList<>();
                List<Integer> claimedAttempts = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(rs.getLong(1));
                        claimedAttempts.add(rs.getInt(2));
                        rs.getString(3);
                    }
                } catch (SQLException e) {
                    if (!"40P01".equals(e.getSQLState())) {
                        throw e;
                    }
                    // PostgreSQL ended this round to break a cycle with another loop's (as it can Grace's
                    // dispatchers'): nothing was written; send the same completions again, as the engine does.
                    DEADLOCKS.incrementAndGet();
                    continue;
                }
                completed += ids.size();
                ids.clear();
                attempts.clear();
                ids.addAll(claimed);
                attempts.addAll(claimedAttempts);
                if (ids.isEmpty()) {
                    return completed;
                }
            }
        }
    }
}
