package org.grace.core.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.core.InstanceId;
import org.grace.core.postgres.Transactions;

/**
 * The {@link Jobs} implementation: a {@link QueueWorker} per configured queue, one {@link NotificationListener},
 * and {@link JobsMaintenance} (lease renewal and timeouts, the reaper of expired leases, recurring schedules and
 * retention cleanup); enqueueing, and the graceful shutdown that gives back what did not run.
 */
final class DefaultJobs implements Jobs {
    private static final System.Logger LOG = System.getLogger(DefaultJobs.class.getName());
    private static final int MAX_ERROR_LENGTH = 4_000;

    private static final int NEW = 0;
    private static final int STARTED = 1;
    private static final int CLOSING = 2;
    private static final int CLOSED = 3;

    private final JobsConfig config;
    private final JobStore store;
    private final RetryBackoff backoff;
    private final Map<String, QueueWorker> workers = new LinkedHashMap<>();
    private final Map<Long, JobRun> active = new ConcurrentHashMap<>();
    private final JobsAdmin admin;
    private final Map<String, String> recurringPayloads;
    private final AtomicInteger state = new AtomicInteger(NEW);
    private final AtomicBoolean databaseUp = new AtomicBoolean(true);
    private NotificationListener notificationListener;
    private JobsMaintenance maintenance;

    DefaultJobs(JobsConfig config) {
        this.config = config;
        this.store = new JobStore(config.dataSource(), config.instanceId().value(), config.leaseDuration().toMillis());
        this.backoff = new RetryBackoff(config.retryDelay(), config.maxRetryDelay(), config.random());
        this.admin = new DefaultJobsAdmin(store);
        // A recurring payload that cannot be serialised is a configuration error: say so at build(), not every second.
        this.recurringPayloads = new LinkedHashMap<>();
        for (JobsConfig.RecurringJob r : config.recurring()) {
            recurringPayloads.put(r.name(), serialise(r.type(), r.payload()));
        }
    }

    // ---- public API ----

    @Override
    public Jobs start() {
        if (!state.compareAndSet(NEW, STARTED)) {
            if (state.get() == STARTED) {
                return this;
            }
            throw new IllegalStateException("jobs instance " + config.instanceId() + " is closed");
        }
        config.queues().forEach((queue, concurrency) ->
                workers.put(queue, new QueueWorker(queue, concurrency, this, store, config.pollInterval())));
        workers.values().forEach(QueueWorker::start);
        if (config.notifications()) {
            notificationListener = new NotificationListener(config.dataSource(), this::onNotification,
                    () -> workers.values().forEach(w -> w.wake(QueueWorker.WORK)));
            notificationListener.start("grace-jobs-listener");
        }
        maintenance = new JobsMaintenance(this, config, store, active, recurringPayloads);
        maintenance.start();
        LOG.log(Level.INFO, "grace jobs: instance {0} started, queues {1}, lease {2}, poll {3}",
                config.instanceId(), config.queues(), config.leaseDuration(), config.pollInterval());
        return this;
    }

    @Override
    public long enqueue(String type, Object payload) {
        return enqueue(type, payload, JobOptions.DEFAULTS);
    }

    @Override
    public long enqueue(String type, Object payload, JobOptions options) {
        String json = serialise(type, payload);
        try (Connection c = store.connection()) {
            return insert(c, type, json, options);
        } catch (SQLException e) {
            throw new IllegalStateException("could not enqueue job of type '" + type + "': " + e.getMessage(), e);
        }
    }

    @Override
    public long enqueue(Connection connection, String type, Object payload, JobOptions options) {
        Objects.requireNonNull(connection, "connection must not be null");
        String json = serialise(type, payload);
        try {
            return insert(connection, type, json, options);
        } catch (SQLException e) {
            throw new IllegalStateException("could not enqueue job of type '" + type + "': " + e.getMessage(), e);
        }
    }

    @Override
    public List<Long> enqueueAll(String type, List<?> payloads, JobOptions options) {
        List<String> json = serialiseAll(type, payloads, options);
        if (json.isEmpty()) {
            return List.of();
        }
        try (Connection c = store.connection()) {
            return Transactions.run(c, tx -> insertAll(tx, type, json, options));
        } catch (SQLException e) {
            throw new IllegalStateException("could not enqueue " + json.size() + " jobs of type '" + type + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public List<Long> enqueueAll(Connection connection, String type, List<?> payloads, JobOptions options) {
        Objects.requireNonNull(connection, "connection must not be null");
        List<String> json = serialiseAll(type, payloads, options);
        if (json.isEmpty()) {
            return List.of();
        }
        try {
            return insertAll(connection, type, json, options);
        } catch (SQLException e) {
            throw new IllegalStateException("could not enqueue " + json.size() + " jobs of type '" + type + "': "
                    + e.getMessage(), e);
        }
    }

    @Override
    public JobsAdmin admin() {
        return admin;
    }

    @Override
    public InstanceId instanceId() {
        return config.instanceId();
    }

    @Override
    public void close() {
        if (state.compareAndSet(NEW, CLOSED) || !state.compareAndSet(STARTED, CLOSING)) {
            return;
        }
        // Claiming stops first and claimed jobs still waiting for a thread go straight back, before anything
        // slower (the listener takes up to half a second to stop), so no waiting job starts during shutdown.
        workers.values().forEach(QueueWorker::stopClaiming);
        List<JobStore.Lease> notStarted = new ArrayList<>();
        for (QueueWorker w : workers.values()) {
            List<Runnable> queued = new ArrayList<>();
            w.executor.getQueue().drainTo(queued);
            for (Runnable r : queued) {
                JobRun run = (JobRun) r;
                run.loseLease();
                untrack(run);
                notStarted.add(run.lease);
            }
            w.executor.shutdown();
        }
        release(notStarted, "not started");
        if (notificationListener != null) {
            notificationListener.stop();
        }
        // The dispatchers are gone: write completions from here while waiting, so jobs finishing during a grace
        // longer than the lease are not run again elsewhere.
        long deadline = System.nanoTime() + config.shutdownGrace().toNanos();
        boolean terminated = false;
        while (!terminated) {
            long remaining = deadline - System.nanoTime();
            terminated = true;
            for (QueueWorker w : workers.values()) {
                try {
                    terminated &= w.executor.awaitTermination(Math.max(0, Math.min(remaining, 100_000_000L)),
                            TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    remaining = 0;
                }
            }
            flushAllCompletions();
            if (remaining <= 0) {
                break;
            }
        }
        List<JobStore.Lease> unfinished = new ArrayList<>();
        for (JobRun run : active.values()) {
            if (run.loseLease()) {
                safely(() -> config.listener().onLeaseLost(run));
            }
            unfinished.add(run.lease);
            run.interrupt();
        }
        release(unfinished, "still running after the shutdown grace of " + config.shutdownGrace());
        workers.values().forEach(w -> w.executor.shutdownNow());
        maintenance.stop();
        state.set(CLOSED);
        LOG.log(Level.INFO, "grace jobs: instance {0} stopped", config.instanceId());
    }

    // ---- used by the workers and the maintenance ----

    boolean isStarted() {
        return state.get() == STARTED;
    }

    int batchSize() {
        return config.batchSize();
    }

    JobListener listener() {
        return config.listener();
    }

    Clock clock() {
        return config.clock();
    }

    ObjectMapper mapper() {
        return config.mapper();
    }

    RetryBackoff backoff() {
        return backoff;
    }

    boolean deleteOnCompletion() {
        return config.retention().isZero();
    }

    JobsConfig.HandlerRegistration<?> handler(String type) {
        return config.handlers().get(type);
    }

    Set<String> handlerTypes() {
        return new TreeSet<>(config.handlers().keySet());
    }

    /** Threads of {@code worker} still inside a handler whose lease was lost (past its timeout, or taken over). */
    int stuckThreads(QueueWorker worker) {
        return (int) active.values().stream()
                .filter(run -> run.worker == worker && run.thread != null && run.isLeaseLost()).count();
    }

    void track(JobRun run) {
        active.put(run.jobId(), run);
    }

    void untrack(JobRun run) {
        active.remove(run.jobId(), run);
    }

    void safely(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "grace jobs: job listener threw; ignored", e);
        }
    }

    void databaseUp() {
        if (databaseUp.compareAndSet(false, true)) {
            LOG.log(Level.INFO, "grace jobs: database reachable again, instance {0} carries on",
                    config.instanceId());
        }
    }

    void databaseDown(String doing, Exception e) {
        if (databaseUp.compareAndSet(true, false)) {
            LOG.log(Level.WARNING, "grace jobs: database error while {0} ({1}); retrying until it is back",
                    doing, e.getMessage());
        } else {
            LOG.log(Level.DEBUG, "grace jobs: database still failing while {0}: {1}", doing, e.getMessage());
        }
    }

    static String describe(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH) + "...";
    }

    // ---- internals ----

    private String serialise(String type, Object payload) {
        JobsConfig.requireName(type, "job type");
        String json;
        try {
            json = config.mapper().writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("payload of job type '" + type + "' ("
                    + (payload == null ? "null" : payload.getClass().getName()) + ") cannot be serialised to JSON: "
                    + e.getOriginalMessage(), e);
        }
        JobsConfig.HandlerRegistration<?> registration = config.handlers().get(type);
        if (registration != null) {
            // Fail here, in the caller's hands, rather than in a worker after the transaction committed.
            try {
                config.mapper().readValue(json, registration.payloadType());
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("payload of job type '" + type + "' serialises to JSON that the "
                        + "handler cannot read as " + registration.payloadType().getName() + ": "
                        + e.getOriginalMessage(), e);
            }
        }
        return json;
    }

    private List<String> serialiseAll(String type, List<?> payloads, JobOptions options) {
        Objects.requireNonNull(payloads, "payloads must not be null");
        if (options != null && options.idempotencyKey() != null) {
            throw new IllegalArgumentException("enqueueAll takes no idempotency key: one key cannot name "
                    + payloads.size() + " jobs; enqueue them one by one with a key each");
        }
        List<String> json = new ArrayList<>(payloads.size());
        for (Object payload : payloads) {
            json.add(serialise(type, payload));
        }
        return json;
    }

    private List<Long> insertAll(Connection c, String type, List<String> json, JobOptions options)
            throws SQLException {
        JobOptions o = options != null ? options : JobOptions.DEFAULTS;
        int maxAttempts = o.maxAttempts() != null ? o.maxAttempts() : config.maxAttempts();
        long delay = o.delay() != null ? o.delay().toMillis() : 0;
        List<Long> ids = new ArrayList<>(json.size());
        for (int from = 0; from < json.size(); from += MAX_BATCH_ENQUEUE) {
            List<String> chunk = json.subList(from, Math.min(json.size(), from + MAX_BATCH_ENQUEUE));
            ids.addAll(store.insertAll(c, o.queue(), type, chunk, o.priority(), o.runAt(), delay, maxAttempts));
        }
        for (long id : ids) {
            safely(() -> config.listener().onEnqueued(o.queue(), type, id));
        }
        return ids;
    }

    private long insert(Connection c, String type, String json, JobOptions options) throws SQLException {
        JobOptions o = options != null ? options : JobOptions.DEFAULTS;
        int maxAttempts = o.maxAttempts() != null ? o.maxAttempts() : config.maxAttempts();
        long delay = o.delay() != null ? o.delay().toMillis() : 0;
        long id = store.insert(c, o.queue(), type, json, o.priority(), o.runAt(), delay, maxAttempts,
                o.idempotencyKey());
        safely(() -> config.listener().onEnqueued(o.queue(), type, id));
        return id;
    }

    private void onNotification(String queue) {
        QueueWorker w = workers.get(queue);
        if (w != null) {
            w.wake(QueueWorker.WORK);
        }
    }

    private void flushAllCompletions() {
        try (Connection c = store.connection()) {
            for (QueueWorker w : workers.values()) {
                w.flushCompletions(c);
            }
        } catch (SQLException | RuntimeException e) {
            databaseDown("recording completions at shutdown", e);
        }
    }

    private void release(List<JobStore.Lease> leases, String why) {
        if (leases.isEmpty()) {
            return;
        }
        try {
            int released = store.release(leases);
            LOG.log(Level.INFO, "grace jobs: gave back {0} job(s) at shutdown ({1})", released, why);
        } catch (SQLException | RuntimeException e) {
            LOG.log(Level.WARNING, "grace jobs: could not give back {0} job(s) at shutdown ({1}); they run again "
                    + "when their lease expires", leases.size(), e.getMessage());
        }
    }
}
