package org.grace.benchmarks.jobs;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.zaxxer.hikari.HikariDataSource;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.grace.core.jobs.Jobs;

/**
 * One scheduler instance in its own JVM for the 3-instance rounds of {@link JobsThroughputBenchmark}. Arguments:
 * {@code library url threads name}. Reads commands on standard input: {@code go} builds and starts a fresh instance
 * of the library (so the JVM is warmed by earlier rounds), {@code stop} stops it and prints {@code stopped <jobs run>},
 * end of input exits. Prints {@code ready} once the connection pool is open.
 */
public final class JobsBenchWorker {
    private JobsBenchWorker() {
    }

    public static void main(String[] args) throws Exception {
        JobsBench.quietLogs();
        String library = args[0];
        int threads = Integer.parseInt(args[2]);
        String name = args[3];
        AtomicLong ran = new AtomicLong();
        try (HikariDataSource ds = JobsBench.pool(args[1], threads + 8)) {
            System.out.println("ready");
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            Jobs grace = null;
            Scheduler db = null;
            String line;
            while ((line = in.readLine()) != null) {
                if (line.equals("go")) {
                    ran.set(0);
                    if (library.equals(JobsBench.GRACE)) {
                        grace = JobsBench.graceWorker(ds, threads, ran::incrementAndGet, name).start();
                    } else {
                        db = JobsBench.dbScheduler(ds, threads, ran::incrementAndGet, name);
                        db.start();
                    }
                    System.out.println("started");
                } else if (line.equals("stop")) {
                    if (grace != null) {
                        grace.close();
                        grace = null;
                    }
                    if (db != null) {
                        db.stop();
                        db = null;
                    }
                    System.out.println("stopped " + ran.get());
                }
                System.out.flush();
            }
        }
    }
}
