package org.grace.core.jobs;

import java.time.Instant;

/** What a handler knows about the job it runs. */
public interface JobContext {
    long jobId();

    String type();

    String queue();

    /** 1 on the first run, 2 on the first retry, ... */
    int attempt();

    int maxAttempts();

    /** When this run was due (the job's run-at time, database clock). */
    Instant scheduledAt();

    /** The idempotency key given at enqueue (or the schedule occurrence), or null. */
    String idempotencyKey();

    /**
     * True once this instance knows it lost the lease (renewal found the job taken away, the timeout passed or a
     * shutdown gave it back). Another instance may run the job; a long handler should check this and stop.
     */
    boolean isLeaseLost();
}
