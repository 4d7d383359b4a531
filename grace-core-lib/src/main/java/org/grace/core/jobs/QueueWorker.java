package org.grace.core.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The workers of one queue on this instance: a dispatcher thread that claims and a pool of {@code concurrency}
 * threads that run handlers.
 *
 * <p>The dispatcher sleeps until something may have changed: a notification for the queue, a worker thread
 * becoming free, the next delayed job falling due, or the poll interval. It then writes the completions collected
 * since its last round in one statement and, when a thread is idle and the queue was not found empty since the last
 * notification, claims up to {@code min(batchSize, 2 * concurrency - inFlight)} jobs in one statement. At most
 * twice the concurrency is held per instance, so a busy instance does not hoard jobs other instances could run.
 */
final class QueueWorker implements Runnable {
    private static final System.Logger LOG = System.getLogger(QueueWorker.class.getName());
    static final int WORK = 1;
    static final int SLOT = 2;
    private static final int MAX_COMPLETIONS_PER_STATEMENT = 1_000;

    final String queue;
    private final int concurrency;
    private final DefaultJobs jobs;
    private final JobStore store;
    private final long pollMillis;
    final ThreadPoolExecutor executor;
    final AtomicInteger inFlight = new AtomicInteger();
    final ConcurrentLinkedQueue<JobStore.Lease> completions = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private int signals;
    private volatile boolean stopping;
    private Thread dispatcher;

    QueueWorker(String queue, int concurrency, DefaultJobs jobs, JobStore store, Duration pollInterval) {
        this.queue = queue;
        this.concurrency = concurrency;
        this.jobs = jobs;
        this.store = store;
        this.pollMillis = pollInterval.toMillis();
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "grace-jobs-" + queue + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    void start() {
        dispatcher = new Thread(this, "grace-jobs-" + queue + "-dispatcher");
        dispatcher.setDaemon(true);
        dispatcher.start();
    }

    void wake(int signal) {
        synchronized (lock) {
            signals |= signal;
            lock.notifyAll();
        }
    }

    /** Stops claiming and waits for the dispatcher to leave its loop. */
    void stopClaiming() {
        stopping = true;
        wake(WORK);
        if (dispatcher != null) {
            try {
                dispatcher.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int await(long millis) throws InterruptedException {
        synchronized (lock) {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (signals == 0 && !stopping) {
                long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (remaining <= 0) {
                    break;
                }
                lock.wait(remaining);
            }
            int s = signals;
            signals = 0;
            return s;
        }
    }

    @Override
    public void run() {
        boolean drained = false;
        long waitMillis = 0;
        while (!stopping) {
            int s;
            try {
                s = await(waitMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (stopping) {
                return;
            }
            if (s == 0 || (s & WORK) != 0) {
                drained = false;
            }
            boolean wantClaim = !drained && inFlight.get() < concurrency;
            if (!wantClaim && completions.isEmpty()) {
                waitMillis = pollMillis;
                continue;
            }
            try (Connection c = store.connection()) {
                flushCompletions(c);
                waitMillis = pollMillis;
                if (wantClaim) {
                    int limit = Math.min(jobs.batchSize(), 2 * concurrency - inFlight.get());
                    List<JobStore.Claimed> claimed = store.claim(c, queue, limit);
                    if (!claimed.isEmpty()) {
                        jobs.listener().onClaimed(queue, claimed.size());
                        for (JobStore.Claimed job : claimed) {
                            JobRun run = new JobRun(job, this);
                            inFlight.incrementAndGet();
                            jobs.track(run);
                            executor.execute(run);
                        }
                    }
                    if (claimed.size() < limit) {
                        drained = true;
                        long untilDue = store.millisUntilNextDue(c, queue);
                        waitMillis = Math.max(10, Math.min(pollMillis, untilDue));
                    }
                }
                jobs.databaseUp();
            } catch (SQLException | RuntimeException e) {
                jobs.databaseDown("claiming on queue " + queue, e);
                drained = false;
                waitMillis = Math.min(pollMillis, 500);
            }
        }
    }

    /** Writes collected completions in one statement; on failure keeps them for the next round. */
    void flushCompletions(Connection c) throws SQLException {
        while (!completions.isEmpty()) {
            List<JobStore.Lease> batch = new ArrayList<>();
            JobStore.Lease l;
            while (batch.size() < MAX_COMPLETIONS_PER_STATEMENT && (l = completions.poll()) != null) {
                batch.add(l);
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                store.complete(c, batch, jobs.deleteOnCompletion());
            } catch (SQLException | RuntimeException e) {
                completions.addAll(batch);
                throw e;
            }
        }
    }

    /** Runs on a worker thread. */
    void execute(JobRun run) {
        if (run.isLeaseLost()) {
            jobs.untrack(run);
            inFlight.decrementAndGet();
            return;
        }
        run.thread = Thread.currentThread();
        run.startedMillis = Math.max(1, jobs.clock().millis());
        Throwable error = null;
        boolean permanent = false;
        try {
            jobs.safely(() -> jobs.listener().onStarted(run));
            JobsConfig.HandlerRegistration<?> registration = jobs.handler(run.type());
            if (registration == null) {
                permanent = true;
                error = new IllegalStateException("no handler registered for job type '" + run.type()
                        + "' on instance " + jobs.instanceId() + " (registered: " + jobs.handlerTypes() + ")");
            } else {
                Object payload = null;
                try {
                    payload = jobs.mapper().readValue(run.job.payloadJson(), registration.payloadType());
                } catch (JsonProcessingException e) {
                    permanent = true;
                    error = new IllegalArgumentException("payload of job " + run.jobId() + " cannot be read as "
                            + registration.payloadType().getName() + ": " + e.getOriginalMessage(), e);
                }
                if (error == null) {
                    invoke(registration, payload, run);
                }
            }
        } catch (Throwable t) {
            error = t;
        } finally {
            Thread.interrupted();
            run.thread = null;
        }
        Duration took = Duration.ofMillis(Math.max(0, jobs.clock().millis() - run.startedMillis));
        boolean retried = false;
        if (error == null) {
            completions.add(run.lease);
            jobs.untrack(run);
            jobs.safely(() -> jobs.listener().onSucceeded(run, took));
        } else {
            boolean willRetry = !permanent && run.attempt() < run.maxAttempts();
            retried = willRetry;
            String message = DefaultJobs.describe(error);
            try {
                if (willRetry) {
                    store.retryLater(run.lease, message, jobs.backoff().delayAfter(run.attempt()).toMillis());
                } else {
                    store.fail(run.lease, message);
                    LOG.log(Level.WARNING, "grace jobs: {0} failed for good: {1}", run, message);
                }
                jobs.databaseUp();
            } catch (SQLException | RuntimeException e) {
                jobs.databaseDown("recording the failure of " + run, e);
            }
            jobs.untrack(run);
            Throwable reported = error;
            jobs.safely(() -> jobs.listener().onFailed(run, reported, took, willRetry));
        }
        inFlight.decrementAndGet();
        wake(retried ? SLOT | WORK : SLOT);
    }

    @SuppressWarnings("unchecked")
    private static <T> void invoke(JobsConfig.HandlerRegistration<T> registration, Object payload, JobRun run)
            throws Exception {
        registration.handler().handle((T) payload, run);
    }
}
