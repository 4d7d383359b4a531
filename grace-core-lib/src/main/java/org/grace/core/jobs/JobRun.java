package org.grace.core.jobs;

import java.time.Instant;

/** One claimed job on this instance: the {@link JobContext} its handler sees and the task a worker thread runs. */
final class JobRun implements JobContext, Runnable {
    final JobStore.Claimed job;
    final JobStore.Lease lease;
    final QueueWorker worker;
    volatile Thread thread;
    /** Instance clock millis when the handler started; 0 while the job waits for a thread. */
    volatile long startedMillis;
    private volatile boolean leaseLost;

    JobRun(JobStore.Claimed job, QueueWorker worker) {
        this.job = job;
        this.lease = new JobStore.Lease(job.id(), job.attempt());
        this.worker = worker;
    }

    @Override
    public void run() {
        worker.execute(this);
    }

    /** Marks the lease lost; returns true the first time. */
    boolean loseLease() {
        if (leaseLost) {
            return false;
        }
        leaseLost = true;
        return true;
    }

    void interrupt() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }

    @Override
    public long jobId() {
        return job.id();
    }

    @Override
    public String type() {
        return job.type();
    }

    @Override
    public String queue() {
        return job.queue();
    }

    @Override
    public int attempt() {
        return job.attempt();
    }

    @Override
    public int maxAttempts() {
        return job.maxAttempts();
    }

    @Override
    public Instant scheduledAt() {
        return job.runAt();
    }

    @Override
    public String idempotencyKey() {
        return job.idempotencyKey();
    }

    @Override
    public boolean isLeaseLost() {
        return leaseLost;
    }

    @Override
    public String toString() {
        return "job " + job.id() + " (" + job.type() + " on " + job.queue() + ", attempt " + job.attempt() + "/"
                + job.maxAttempts() + ")";
    }
}
