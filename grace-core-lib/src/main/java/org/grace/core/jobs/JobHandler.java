package org.grace.core.jobs;

/**
 * Runs one job of one type. Delivery is at least once: a handler can run again for the same job when its instance
 * died or lost the lease after the effect but before the completion was recorded. Make effects idempotent, for
 * example keyed by {@link JobContext#jobId()} or by the job's idempotency key.
 *
 * <p>Throwing retries the job with exponential backoff until its attempts are used up; then it is {@code failed}
 * with the exception as its error. A handler should respond to interruption: it is interrupted when the job
 * exceeds its timeout or the grace period of a shutdown ends.
 */
@FunctionalInterface
public interface JobHandler<T> {
    void handle(T payload, JobContext context) throws Exception;
}
