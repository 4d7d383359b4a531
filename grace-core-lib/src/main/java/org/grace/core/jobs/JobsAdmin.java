package org.grace.core.jobs;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Operations on the job table, for dashboards, health checks and people on call. Every call is one short query
 * on the database (no instance state), so any instance answers for the whole cluster.
 */
public interface JobsAdmin {
    /** Number of jobs per queue and status (statuses with no jobs are left out). */
    List<StatusCount> counts();

    /**
     * How long the oldest due pending job of {@code queue} has waited (database clock), empty when none is due.
     * The figure to alert on: it grows when workers are missing or too few.
     */
    Optional<Duration> oldestPendingAge(String queue);

    /** Jobs completed per second over the last {@code window}, all instances together. */
    double throughputPerSecond(Duration window);

    /** Puts a failed job back to pending with fresh attempts; false when it is not failed (or does not exist). */
    boolean retry(long jobId);

    /** Cancels a pending job; false when it is not pending any more (running, finished or missing). */
    boolean cancel(long jobId);

    /** The most recently failed jobs with their errors, newest first. */
    List<Failure> failures(int limit);

    /** Status of one job, empty when it does not exist (never enqueued, or deleted after the retention period). */
    Optional<JobStatus> status(long jobId);

    /** Deletes a recurring schedule no instance registers any more; false when there was none by that name. */
    boolean removeSchedule(String name);

    record StatusCount(String queue, JobStatus status, long count) {
    }

    record Failure(long jobId, String queue, String type, int attempts, String error, Instant failedAt,
                   String payloadJson) {
    }
}
