package org.grace.core.jobs;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The background upkeep of one {@link Jobs} instance, on two daemon threads: renewing the leases of its running jobs
 * every third of the lease (and interrupting those past their timeout), putting back jobs whose lease expired on a
 * dead instance, firing recurring schedules (registered at the first tick) and deleting finished rows past their
 * retention. A database error is reported to {@link DefaultJobs} (one log line per outage) and the task runs again
 * at its next tick.
 */
final class JobsMaintenance {
    private static final System.Logger LOG = System.getLogger(DefaultJobs.class.getName());
    private static final long SCHEDULE_CHECK_MILLIS = 1_000;
    private static final long RETENTION_CHECK_MILLIS = 60_000;
    private static final int RETENTION_BATCH = 1_000;

    private final DefaultJobs jobs;
    private final JobsConfig config;
    private final JobStore store;
    private final ScheduleStore schedules;
    private final Map<Long, JobRun> active;
    private final Map<String, String> recurringPayloads;
    private volatile boolean schedulesRegistered;
    private ScheduledThreadPoolExecutor executor;

    JobsMaintenance(DefaultJobs jobs, JobsConfig config, JobStore store, Map<Long, JobRun> active,
                    Map<String, String> recurringPayloads) {
        this.jobs = jobs;
        this.config = config;
        this.store = store;
        this.schedules = new ScheduleStore(store);
        this.active = active;
        this.recurringPayloads = recurringPayloads;
    }

    void start() {
        AtomicInteger n = new AtomicInteger();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "grace-jobs-maintenance-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.executor = executor;
        long lease = config.leaseDuration().toMillis();
        long heartbeat = Math.max(50, lease / 3);
        long reap = Math.max(50, Math.min(config.pollInterval().toMillis(), lease / 2));
        executor.scheduleWithFixedDelay(guard("lease renewal", this::renewLeases), heartbeat, heartbeat,
                TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(guard("reaping expired leases", this::reapExpiredLeases), reap, reap,
                TimeUnit.MILLISECONDS);
        executor.scheduleWithFixedDelay(guard("recurring schedules", this::fireSchedules), 0, SCHEDULE_CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
        long retention = Math.max(1_000, Math.min(RETENTION_CHECK_MILLIS, config.retention().toMillis()));
        executor.scheduleWithFixedDelay(guard("retention cleanup", this::deleteExpired), retention, retention,
                TimeUnit.MILLISECONDS);
    }

    void stop() {
        executor.shutdownNow();
    }

    private Runnable guard(String what, ThrowingTask task) {
        return () -> {
            try {
                task.run();
            } catch (SQLException | RuntimeException e) {
                jobs.databaseDown(what, e);
            }
        };
    }

    private interface ThrowingTask {
        void run() throws SQLException;
    }

    private void renewLeases() throws SQLException {
        long now = config.clock().millis();
        long timeout = config.timeout().toMillis();
        List<JobStore.Lease> toRenew = new ArrayList<>();
        for (JobRun run : active.values()) {
            if (run.isLeaseLost()) {
                continue;
            }
            long started = run.startedMillis;
            if (started > 0 && now - started > timeout) {
                if (run.loseLease()) {
                    LOG.log(Level.WARNING, "grace jobs: {0} exceeded its timeout of {1}; interrupting it and "
                            + "letting its lease expire", run, config.timeout());
                    jobs.safely(() -> config.listener().onLeaseLost(run));
                }
                run.interrupt();
                continue;
            }
            toRenew.add(run.lease);
        }
        if (toRenew.isEmpty()) {
            return;
        }
        Set<Long> held = store.renew(toRenew);
        jobs.databaseUp();
        for (JobStore.Lease lease : toRenew) {
            if (!held.contains(lease.id())) {
                JobRun run = active.get(lease.id());
                if (run != null && run.lease.equals(lease) && run.loseLease()) {
                    LOG.log(Level.WARNING, "grace jobs: {0} lost its lease (expired and taken over)", run);
                    jobs.safely(() -> config.listener().onLeaseLost(run));
                }
            }
        }
    }

    private void reapExpiredLeases() throws SQLException {
        if (!jobs.isStarted()) {
            return;
        }
        int reaped = store.reapExpiredLeases();
        jobs.databaseUp();
        if (reaped > 0) {
            LOG.log(Level.INFO, "grace jobs: put back {0} job(s) whose lease expired", reaped);
        }
    }

    private void fireSchedules() throws SQLException {
        if (!jobs.isStarted()) {
            return;
        }
        if (!schedulesRegistered) {
            registerSchedules();
            schedulesRegistered = true;
        }
        schedules.fireDueSchedules();
        jobs.databaseUp();
    }

    private void registerSchedules() throws SQLException {
        if (config.recurring().isEmpty()) {
            return;
        }
        try (Connection c = store.connection()) {
            var now = schedules.databaseNow(c);
            for (JobsConfig.RecurringJob r : config.recurring()) {
                String json = recurringPayloads.get(r.name());
                int maxAttempts = r.options().maxAttempts() != null ? r.options().maxAttempts()
                        : config.maxAttempts();
                schedules.upsertSchedule(c, r.name(), r.schedule().toString(), r.type(), r.options().queue(), json,
                        r.options().priority(), maxAttempts, r.schedule().next(now));
            }
        }
    }

    private void deleteExpired() throws SQLException {
        if (!jobs.isStarted()) {
            return;
        }
        long retention = config.retention().toMillis();
        for (int i = 0; i < 50; i++) {
            if (store.deleteFinished(retention, RETENTION_BATCH) < RETENTION_BATCH) {
                break;
            }
        }
    }
}
