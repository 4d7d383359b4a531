package org.grace.core.jobs;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import org.grace.core.InstanceId;

/**
 * A worker instance in its own JVM, for the multi-process ITs. Arguments: JDBC URL, instance id, concurrency,
 * lease millis, poll millis, handler sleep millis. The "record" handler sleeps, then writes one row to
 * {@code executions} (no unique constraint, so a second execution of a job would show as a duplicate).
 */
public final class JobWorkerMain {
    static final String RECORD = "record";

    public record Work(int n) {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String worker = args[1];
        int concurrency = Integer.parseInt(args[2]);
        Duration lease = Duration.ofMillis(Long.parseLong(args[3]));
        Duration poll = Duration.ofMillis(Long.parseLong(args[4]));
        long sleepMillis = Long.parseLong(args[5]);

        HikariDataSource ds = TestDatabase.pool(url, 2 * concurrency + 6);
        Jobs jobs = Jobs.builder(ds)
                .instanceId(InstanceId.of(worker))
                .queue("default", concurrency)
                .leaseDuration(lease)
                .pollInterval(poll)
                .handler(RECORD, Work.class, (work, ctx) -> {
                    if (sleepMillis > 0) {
                        Thread.sleep(sleepMillis);
                    }
                    try (Connection c = ds.getConnection();
                         PreparedStatement ps = c.prepareStatement(
                                 "INSERT INTO executions (job_id, worker, attempt) VALUES (?, ?, ?)")) {
                        ps.setLong(1, ctx.jobId());
                        ps.setString(2, worker);
                        ps.setInt(3, ctx.attempt());
                        ps.executeUpdate();
                    }
                })
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            jobs.close();
            ds.close();
        }));
        jobs.start();
        System.out.println("READY " + worker);
        Thread.sleep(Long.MAX_VALUE);
    }
}
