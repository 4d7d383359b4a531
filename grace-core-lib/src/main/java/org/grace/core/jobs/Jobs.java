package org.grace.core.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.core.SettingChecks;

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
    /**
     * Jobs claimed per statement, and how many an instance claims ahead of its free threads per dispatcher (while
     * handlers are short): the scaling guide reads pending jobs ten at a time.
     */
    int DEFAULT_BATCH_SIZE = 10;

    /** Worker threads of a queue configured without a number, and of the implicit default queue. */
    int DEFAULT_CONCURRENCY = 4;

    /**
     * How often a worker looks for due jobs without being told: only a safety net, since NOTIFY wakes workers at
     * enqueue and delayed jobs are woken for at their run-at time; it bounds the delay after a lost notification.
     */
    Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    /**
     * How long a claimed job belongs to its instance without a renewal. Renewed every third of it while the job
     * runs, so a dead instance's jobs run again elsewhere within this time; long enough that a GC pause or a
     * slow database does not hand a healthy job to a second instance.
     */
    Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(60);

    /** Longest a handler may run before it is interrupted and loses its lease: a hung handler must not hold a job forever. */
    Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    /** Attempts of a job enqueued without {@code maxAttempts}: with the backoff below, about half a minute of retries. */
    int DEFAULT_MAX_ATTEMPTS = 5;

    /** Backoff before the first retry; doubles per attempt, half of it jittered. */
    Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

    /** Ceiling of the backoff, so a job with many attempts still retries hourly. */
    Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofHours(1);

    /**
     * How long completed and cancelled rows are kept (for the operations API and for idempotency keys) before
     * the cleanup deletes them; one day keeps the table small. {@code Duration.ZERO} deletes at completion.
     */
    Duration DEFAULT_RETENTION = Duration.ofDays(1);

    /** How long {@link Jobs#close()} lets running jobs finish: inside the usual 30-60 s of a rolling restart. */
    Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

    /**
     * Jobs written per statement by {@link #enqueueAll}: larger lists are split (still one transaction), so one
     * statement's arrays stay a few hundred kilobytes for typical payloads.
     */
    int MAX_BATCH_ENQUEUE = 5_000;


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

    /**
     * Enqueues one job per payload, all of {@code type} with the same {@code options}, in its own transaction: all
     * or none are written, in one statement per {@value #MAX_BATCH_ENQUEUE} jobs, with one notification. Returns the
     * new jobs' ids in the order of {@code payloads}.
     *
     * @throws IllegalArgumentException when a payload cannot be serialised to JSON, or the options carry an
     *                                  idempotency key (one key cannot name several jobs)
     */
    List<Long> enqueueAll(String type, List<?> payloads, JobOptions options);

    /**
     * As {@link #enqueueAll(String, List, JobOptions)}, on the caller's connection inside the caller's transaction
     * (the jobs exist if and only if it commits). The connection is neither committed nor closed.
     */
    List<Long> enqueueAll(Connection connection, String type, List<?> payloads, JobOptions options);

    JobsAdmin admin();

    InstanceId instanceId();

    /**
     * Graceful shutdown: stops claiming, gives back claimed jobs that have not started, lets running jobs finish
     * within the shutdown grace period, then interrupts the rest and gives them back for another instance.
     */
    @Override
    void close();

    /** A builder of jobs on {@code dataSource} (tables made by {@link JobsSchema#migrate}); required. */
    static Builder builder(DataSource dataSource) {
        return new Builder(dataSource);
    }

    /** Configures a {@link Jobs} instance; every setter validates, {@link #build()} checks the whole. */
    final class Builder {
        private final DataSource dataSource;
        private InstanceId instanceId;
        private Clock clock = Clock.systemUTC();
        private Random random = new Random();
        private ObjectMapper objectMapper;
        private final Map<String, JobsConfig.HandlerRegistration<?>> handlers = new LinkedHashMap<>();
        private final Map<String, Integer> queues = new LinkedHashMap<>();
        private final List<JobsConfig.RecurringJob> recurring = new ArrayList<>();
        private int batchSize = DEFAULT_BATCH_SIZE;
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration retryDelay = DEFAULT_RETRY_DELAY;
        private Duration maxRetryDelay = DEFAULT_MAX_RETRY_DELAY;
        private Duration retention = DEFAULT_RETENTION;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private boolean notifications = true;
        private JobListener listener = JobListener.NONE;

        Builder(DataSource dataSource) {
            this.dataSource = SettingChecks.given(dataSource, "dataSource");
        }

        /** Lease owner written on claimed jobs; default {@link InstanceId#generate()}. */
        public Builder instanceId(InstanceId instanceId) {
            this.instanceId = SettingChecks.given(instanceId, "instanceId");
            return this;
        }

        /**
         * Instance-side time: handler durations, timeouts, heartbeat pacing. Run-at times and leases use the
         * database's clock, so clock skew between instances does not matter.
         */
        public Builder clock(Clock clock) {
            this.clock = SettingChecks.given(clock, "clock");
            return this;
        }

        /** Source of the retry jitter. */
        public Builder random(Random random) {
            this.random = SettingChecks.given(random, "random");
            return this;
        }

        /** Serialises payloads to JSON and back; default a plain {@code new ObjectMapper()}. */
        public Builder objectMapper(ObjectMapper objectMapper) {
            this.objectMapper = SettingChecks.given(objectMapper, "objectMapper");
            return this;
        }

        /** Registers the handler of a job type; the payload is read from JSON as {@code payloadType}. */
        public <T> Builder handler(String type, Class<T> payloadType, JobHandler<T> handler) {
            JobsConfig.requireName(type, "job type");
            SettingChecks.given(payloadType, "payloadType");
            SettingChecks.given(handler, "handler");
            if (handlers.containsKey(type)) {
                throw new IllegalArgumentException("a handler for job type '" + type + "' is already registered");
            }
            handlers.put(type, new JobsConfig.HandlerRegistration<>(payloadType, handler));
            return this;
        }

        /**
         * Works on {@code queue} with {@code concurrency} threads. Without any queue, "default" with
         * {@value #DEFAULT_CONCURRENCY}.
         */
        public Builder queue(String queue, int concurrency) {
            JobsConfig.requireName(queue, "queue");
            queues.put(queue, SettingChecks.between(concurrency, 1, 1000, "concurrency of queue '" + queue + "'"));
            return this;
        }

        /**
         * A recurring job: at each occurrence of {@code schedule}, exactly one instance enqueues {@code type} with
         * {@code payload}. Registered (or updated) in the schedules table at {@link Jobs#start()}.
         */
        public Builder recurring(String name, Schedule schedule, String type, Object payload) {
            return recurring(name, schedule, type, payload, JobOptions.DEFAULTS);
        }

        /**
         * As {@link #recurring(String, Schedule, String, Object)}, with queue, priority and max attempts from
         * {@code options}.
         */
        public Builder recurring(String name, Schedule schedule, String type, Object payload, JobOptions options) {
            JobsConfig.requireName(name, "schedule name");
            SettingChecks.given(schedule, "schedule");
            JobsConfig.requireName(type, "job type");
            SettingChecks.given(options, "options");
            if (options.delay() != null || options.runAt() != null || options.idempotencyKey() != null) {
                throw new IllegalArgumentException("recurring job '" + name
                        + "' takes queue, priority and maxAttempts only; the schedule decides when and the key");
            }
            for (JobsConfig.RecurringJob r : recurring) {
                if (r.name().equals(name)) {
                    throw new IllegalArgumentException("recurring job '" + name + "' is already registered");
                }
            }
            recurring.add(new JobsConfig.RecurringJob(name, schedule, type, payload, options));
            return this;
        }

        public Builder batchSize(int batchSize) {
            this.batchSize = SettingChecks.between(batchSize, 1, 1000, "batchSize");
            return this;
        }

        public Builder pollInterval(Duration pollInterval) {
            this.pollInterval = SettingChecks.atLeast(pollInterval, Duration.ofMillis(10), "pollInterval");
            return this;
        }

        public Builder leaseDuration(Duration leaseDuration) {
            this.leaseDuration = SettingChecks.atLeast(leaseDuration, Duration.ofMillis(300), "leaseDuration");
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = SettingChecks.atLeast(timeout, Duration.ofMillis(10), "timeout");
            return this;
        }

        public Builder maxAttempts(int maxAttempts) {
            this.maxAttempts = SettingChecks.atLeast(maxAttempts, 1, "maxAttempts");
            return this;
        }

        /** Backoff before the first retry and its ceiling. */
        public Builder retryDelay(Duration first, Duration max) {
            SettingChecks.atLeast(first, Duration.ZERO, "retry delay");
            SettingChecks.atLeast(max, first, "max retry delay");
            this.retryDelay = first;
            this.maxRetryDelay = max;
            return this;
        }

        public Builder retention(Duration retention) {
            this.retention = SettingChecks.atLeast(retention, Duration.ZERO, "retention");
            return this;
        }

        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = SettingChecks.atLeast(shutdownGrace, Duration.ZERO, "shutdownGrace");
            return this;
        }

        /**
         * Whether to LISTEN for enqueue notifications on one dedicated connection (default true). Turn off behind a
         * transaction-mode pooler (PgBouncer) where LISTEN does not work; pickup then waits for the poll interval.
         */
        public Builder notifications(boolean enabled) {
            this.notifications = enabled;
            return this;
        }

        public Builder listener(JobListener listener) {
            this.listener = SettingChecks.given(listener, "listener");
            return this;
        }

        public Jobs build() {
            if (queues.isEmpty()) {
                queues.put(JobOptions.DEFAULT_QUEUE, DEFAULT_CONCURRENCY);
            }
            if (timeout.compareTo(Duration.ofDays(365)) > 0) {
                throw new IllegalArgumentException("timeout must be at most a year, got " + timeout);
            }
            ObjectMapper mapper = objectMapper != null ? objectMapper : new ObjectMapper();
            JobsConfig config = new JobsConfig(dataSource, instanceId != null ? instanceId : InstanceId.generate(),
                    clock, random, mapper, Map.copyOf(handlers), new LinkedHashMap<>(queues), List.copyOf(recurring),
                    batchSize, pollInterval, leaseDuration, timeout, maxAttempts, retryDelay, maxRetryDelay, retention,
                    shutdownGrace, notifications, listener);
            return new DefaultJobs(config);
        }
    }
}
