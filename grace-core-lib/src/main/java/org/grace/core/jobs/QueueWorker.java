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
 * The workers of one queue on this instance: {@value #MAX_CLAIMERS} dispatcher threads that claim and a pool of
 * {@code concurrency} threads that run handlers.
 *
 * <p>The dispatcher sleeps until something may have changed: a notification for the queue, a worker thread
 * becoming free, the next delayed job falling due, or the poll interval. When the queue was not found empty since
 * the last notification and fewer than {@code concurrency + batchSize x dispatchers} jobs are held, it claims
 * up to {@code min(batchSize, that - held)} jobs, in the same statement that completes the jobs
 * finished since its last round (one round trip, one commit); otherwise it only writes the completions. Claimed jobs
 * beyond the free threads wait in the executor's queue, leased and renewed like running ones, so a thread that
 * finishes takes the next job without waiting for the database; at most one batch per dispatcher beyond the threads is held, so a
 * busy instance does not hoard jobs other instances could run.
 */
final class QueueWorker implements Runnable {
    private static final System.Logger LOG = System.getLogger(QueueWorker.class.getName());
    static final int WORK = 1;
    static final int SLOT = 2;
    private static final int MAX_COMPLETIONS_PER_STATEMENT = 1_000;
    /**
     * Longest a completion waits for company when no claim is due: short against any lease, long enough that a
     * steady trickle of finished jobs is written a few at a time.
     */
    static final long FLUSH_LINGER_MILLIS = 20;
    /**
     * Jobs are claimed ahead of the free threads only while handlers take at most this long on average (a moving
     * average of recent ones): a job claimed ahead then waits about {@code batchSize x this / concurrency} for a
     * thread, one second at most with the defaults, well inside any lease; longer jobs are claimed for idle threads
     * only, so they start on whichever instance has a thread free.
     */
    static final long CLAIM_AHEAD_MAX_HANDLER_MILLIS = 100;
    /**
     * Dispatcher threads per queue, whatever the concurrency. One claims at most one batch per round trip and waits
     * for it, leaving the threads waiting on its serial round trips; with two, one claims while the other waits for
     * PostgreSQL (SKIP LOCKED keeps their claims apart). Four at 32 threads made the claim statement twice as slow
     * (contending on the head of the claim index on 2 cores) for no gain.
     */
    static final int MAX_CLAIMERS = 2;

    final String queue;
    private final int concurrency;
    private final DefaultJobs jobs;
    private final JobStore store;
    private final long pollMillis;
    final ThreadPoolExecutor executor;
    final AtomicInteger inFlight = new AtomicInteger();
    /** Dispatchers waiting longer than the flush linger (completions were empty when they went to sleep). */
    private final AtomicInteger longWaits = new AtomicInteger();
    /**
     * The queue was found empty (a claim got fewer than it asked for) since the last notification or poll. Shared by
     * the dispatchers: one that finds it empty must not leave the other claiming, and one that consumes a worker's
     * wake-up must claim if the queue is not empty, whichever of the two found what.
     */
    private volatile boolean drained;
    /** Moving average of handler durations (1/8 weight to each new one), written racily by the worker threads. */
    private volatile long avgHandlerMicros;
    final ConcurrentLinkedQueue<JobStore.Lease> completions = new ConcurrentLinkedQueue<>();
    private final Object lock = new Object();
    private int signals;
    private volatile boolean stopping;
    private final int claimers;
    private final List<Thread> dispatchers = new ArrayList<>();

    QueueWorker(String queue, int concurrency, DefaultJobs jobs, JobStore store, Duration pollInterval) {
        this.queue = queue;
        this.concurrency = concurrency;
        this.jobs = jobs;
        this.store = store;
        this.pollMillis = pollInterval.toMillis();
        this.claimers = MAX_CLAIMERS;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(concurrency, concurrency, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "grace-jobs-" + queue + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    void start() {
        for (int i = 1; i <= claimers; i++) {
            Thread t = new Thread(this, "grace-jobs-" + queue + "-dispatcher" + (claimers > 1 ? "-" + i : ""));
            t.setDaemon(true);
            dispatchers.add(t);
        }
        dispatchers.forEach(Thread::start);
    }


    void wake(int signal) {
        synchronized (lock) {
            signals |= signal;
            lock.notifyAll();
        }
    }

    /** Stops claiming and waits for the dispatchers to leave their loop. */
    void stopClaiming() {
        stopping = true;
        wake(WORK);
        for (Thread dispatcher : dispatchers) {
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
        boolean lingering = false;
        long waitMillis = 0;
        while (!stopping) {
            int s;
            boolean longWait = waitMillis > FLUSH_LINGER_MILLIS;
            if (longWait) {
                longWaits.incrementAndGet();
                if (!completions.isEmpty()) {
                    waitMillis = FLUSH_LINGER_MILLIS;
                    lingering = true;
                }
            }
            try {
                s = await(waitMillis);
            } catch (InterruptedException e) {
                return;
            } finally {
                if (longWait) {
                    longWaits.decrementAndGet();
                }
            }
            boolean lingerOver = s == 0 && lingering;
            if (stopping) {
                return;
            }
            if ((s == 0 && !lingering) || (s & WORK) != 0) {
                drained = false;
            }
            int batch = jobs.batchSize();
            // Ahead only while jobs are short and no thread is stuck in a handler past its timeout: a job claimed
            // ahead waits behind the running ones, and must not wait behind a hung one (it would keep its renewed
            // lease there) nor hold up long jobs other instances could start.
            boolean ahead = avgHandlerMicros <= CLAIM_AHEAD_MAX_HANDLER_MILLIS * 1000 && jobs.stuckThreads(this) == 0;
            int cap = concurrency + (ahead ? batch * claimers : 0);
            // Claim ahead of the free threads, up to one batch per dispatcher beyond them, so a thread finishing a
            // job finds the next one waiting instead of a round trip; but not for a handful of slots while every
            // thread is busy. The slots are reserved in inFlight before the claim, so dispatchers never over-claim.
            int limit = 0;
            int held;
            do {
                held = inFlight.get();
                int free = Math.min(batch, cap - held);
                limit = !drained && free > 0 && (held < concurrency || free >= Math.max(1, batch / 2)) ? free : 0;
            } while (limit > 0 && !inFlight.compareAndSet(held, held + limit));
            boolean wantClaim = limit > 0;
            // Without a claim, completions are written once half a batch has gathered, when the queue is drained or
            // nothing else is held, or after FLUSH_LINGER_MILLIS: not one commit per finished job.
            boolean flushDue = !completions.isEmpty() && (drained || held == 0 || lingerOver
                    || completions.size() >= Math.max(1, batch / 2));
            if (!wantClaim && !flushDue) {
                waitMillis = completions.isEmpty() ? pollMillis : FLUSH_LINGER_MILLIS;
                lingering = !completions.isEmpty();
                continue;
            }
            lingering = false;
            int unclaimed = limit;
            try (Connection c = store.connection()) {
                waitMillis = pollMillis;
                if (wantClaim) {
                    List<JobStore.Lease> done = takeCompletions();
                    List<JobStore.Claimed> claimed;
                    try {
                        claimed = store.completeAndClaim(c, done, jobs.deleteOnCompletion(), queue, limit);
                    } catch (SQLException | RuntimeException e) {
                        completions.addAll(done);
                        throw e;
                    }
                    unclaimed = limit - claimed.size();
                    inFlight.addAndGet(-unclaimed);
                    unclaimed = 0;
                    if (!claimed.isEmpty()) {
                        jobs.listener().onClaimed(queue, claimed.size());
                        for (JobStore.Claimed job : claimed) {
                            JobRun run = new JobRun(job, this);
                            jobs.track(run);
                            executor.execute(run);
                        }
                    }
                    if (claimed.size() < limit) {
                        drained = true;
                        long untilDue = store.millisUntilNextDue(c, queue);
                        waitMillis = Math.max(10, Math.min(pollMillis, untilDue));
                    }
                } else {
                    flushCompletions(c);
                }
                jobs.databaseUp();
            } catch (SQLException | RuntimeException e) {
                inFlight.addAndGet(-unclaimed);
                drained = false;
                if (isConflict(e)) {
                    // PostgreSQL ended this statement to break a cycle with another dispatcher's (a claim's SKIP
                    // LOCKED still waits for a row whose newer version another statement is completing). The
                    // database is up, nothing was written and the completions are kept: go again at once.
                    LOG.log(Level.DEBUG, "grace jobs: claim on queue {0} lost a lock conflict, claiming again: {1}",
                            queue, e.getMessage());
                    waitMillis = 0;
                } else {
                    jobs.databaseDown("claiming on queue " + queue, e);
                    waitMillis = Math.min(pollMillis, 500);
                }
            }
        }
    }

    /**
     * Whether {@code e} is PostgreSQL ending a statement for a conflict with another transaction (SQLSTATE 40P01
     * deadlock detected, 40001 serialization failure): the statement did nothing and can be sent again at once; the
     * database is not down.
     */
    private static boolean isConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("40P01".equals(sql.getSQLState())
                    || "40001".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Up to one statement's worth of the collected completions, taken off the queue. */
    private List<JobStore.Lease> takeCompletions() {
        List<JobStore.Lease> batch = new ArrayList<>();
        JobStore.Lease l;
        while (batch.size() < MAX_COMPLETIONS_PER_STATEMENT && (l = completions.poll()) != null) {
            batch.add(l);
        }
        return batch;
    }

    /** Writes collected completions in one statement; on failure keeps them for the next round. */
    void flushCompletions(Connection c) throws SQLException {
        while (!completions.isEmpty()) {
            List<JobStore.Lease> batch = takeCompletions();
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
        long startedNanos = System.nanoTime();
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
        long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startedNanos);
        avgHandlerMicros += (micros - avgHandlerMicros) / 8;
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
        int held = inFlight.decrementAndGet();
        // Each wake-up costs the dispatcher a context switch: only when a claim or a flush may be due, or when a
        // dispatcher sleeps for the poll interval and must see this completion (Dekker-style with longWaits).
        int batch = jobs.batchSize();
        if (retried || held < concurrency || concurrency + batch * claimers - held >= Math.max(1, batch / 2)
                || completions.size() >= Math.max(1, batch / 2) || longWaits.get() > 0) {
            wake(retried ? SLOT | WORK : SLOT);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void invoke(JobsConfig.HandlerRegistration<T> registration, Object payload, JobRun run)
            throws Exception {
        registration.handler().handle((T) payload, run);
    }
}
