package org.grace.core.jobs;

import java.time.Duration;

/**
 * Metrics hook: called on the worker threads, so keep it cheap and do not throw (exceptions are logged and
 * ignored). All methods do nothing by default.
 */
public interface JobListener {
    /** A job was written to the table (in the caller's transaction when one was given). */
    default void onEnqueued(String queue, String type, long jobId) {
    }

    /** An instance claimed {@code count} jobs of a queue in one statement. */
    default void onClaimed(String queue, int count) {
    }

    default void onStarted(JobContext job) {
    }

    default void onSucceeded(JobContext job, Duration duration) {
    }

    /** The handler threw (or the job could not run); {@code willRetry} is false when the job is now failed. */
    default void onFailed(JobContext job, Throwable error, Duration duration, boolean willRetry) {
    }

    /** This instance lost its lease on a job it was running (timeout, shutdown, or another owner). */
    default void onLeaseLost(JobContext job) {
    }

    JobListener NONE = new JobListener() {
    };
}
