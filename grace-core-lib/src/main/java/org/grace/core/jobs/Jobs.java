package org.grace.core.jobs;

import java.sql.Connection;
import javax.sql.DataSource;
import org.grace.core.InstanceId;

/**
 * Background jobs in PostgreSQL, processed by any number of instances: each job runs to completion once (at
 * least once, see {@link JobHandler}), survives instance crashes through leases, and is retried with backoff.
 *
 * <pre>{@code
 * JobsSchema.migrate(dataSource);
 * Jobs jobs = Jobs.builder(dataSource)
 *         .handler("send-reminder", Reminder.class, (reminder, ctx) -> mailer.send(reminder))
 *         .queue("default", 4)
 *         .recurring("nightly-digest", Schedule.cron("0 0 3 * * *"), "send-digest", Map.of())
 *         .build()
 *         .start();
 * jobs.enqueue("send-reminder", new Reminder(42), JobOptions.builder().delay(Duration.ofMinutes(5)).build());
 * }</pre>
 *
 * An instance that only enqueues need not call {@link #start()}. {@link #close()} shuts down gracefully.
 */
public interface Jobs extends AutoCloseable {
    static JobsBuilder builder(DataSource dataSource) {
        return new JobsBuilder(dataSource);
    }

    /** Starts the workers of the configured queues and registers the recurring schedules. Returns this. */
    Jobs start();

    /** Enqueues on the default queue to run now; returns the job id. */
    long enqueue(String type, Object payload);

    /**
     * Enqueues in its own transaction. Returns the new job's id, or the existing job's id when a job with the same
     * idempotency key exists.
     *
     * @throws IllegalArgumentException when the payload cannot be serialised to JSON
     */
    long enqueue(String type, Object payload, JobOptions options);

    /**
     * Enqueues on the caller's connection, inside the caller's transaction: the job exists if and only if that
     * transaction commits, and workers are woken at the commit. The connection is neither committed nor closed.
     */
    long enqueue(Connection connection, String type, Object payload, JobOptions options);

    JobsAdmin admin();

    InstanceId instanceId();

    /**
     * Graceful shutdown: stops claiming, gives back claimed jobs that have not started, lets running jobs finish
     * within the shutdown grace period, then interrupts the rest and gives them back for another instance.
     */
    @Override
    void close();
}
