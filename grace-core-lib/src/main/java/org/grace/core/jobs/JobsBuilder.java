package org.grace.core.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import javax.sql.DataSource;
import org.grace.core.InstanceId;

/** Configures a {@link Jobs} instance; every setter validates, {@link #build()} checks the whole. */
public final class JobsBuilder {
    /** Jobs claimed per statement: the scaling guide reads pending jobs ten at a time. */
    public static final int DEFAULT_BATCH_SIZE = 10;

    /** Worker threads of a queue configured without a number, and of the implicit default queue. */
    public static final int DEFAULT_CONCURRENCY = 4;

    /**
     * How often a worker looks for due jobs without being told: only a safety net, since NOTIFY wakes workers at
     * enqueue and delayed jobs are woken for at their run-at time; it bounds the delay after a lost notification.
     */
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(5);

    /**
     * How long a claimed job belongs to its instance without a renewal. Renewed every third of it while the job
     * runs, so a dead instance's jobs run again elsewhere within this time; long enough that a GC pause or a
     * slow database does not hand a healthy job to a second instance.
     */
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(60);

    /** Longest a handler may run before it is interrupted and loses its lease: a hung handler must not hold a job forever. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(15);

    /** Attempts of a job enqueued without {@code maxAttempts}: with the backoff below, about half a minute of retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 5;

    /** Backoff before the first retry; doubles per attempt, half of it jittered. */
    public static final Duration DEFAULT_RETRY_DELAY = Duration.ofSeconds(1);

    /** Ceiling of the backoff, so a job with many attempts still retries hourly. */
    public static final Duration DEFAULT_MAX_RETRY_DELAY = Duration.ofHours(1);

    /**
     * How long completed and cancelled rows are kept (for the operations API and for idempotency keys) before
     * the cleanup deletes them; one day keeps the table small. {@code Duration.ZERO} deletes at completion.
     */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(1);

    /** How long {@link Jobs#close()} lets running jobs finish: inside the usual 30-60 s of a rolling restart. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(20);

    private final DataSource dataSource;
    private InstanceId instanceId;
    private Clock clock = Clock.systemUTC();
    private Random random = new Random();
    private ObjectMapper objectMapper;
    private final Map<String, HandlerRegistration<?>> handlers = new LinkedHashMap<>();
    private final Map<String, Integer> queues = new LinkedHashMap<>();
    private final List<RecurringJob> recurring = new ArrayList<>();
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

    JobsBuilder(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource must not be null");
    }

    /** Lease owner written on claimed jobs; default {@link InstanceId#generate()}. */
    public JobsBuilder instanceId(InstanceId instanceId) {
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId must not be null");
        return this;
    }

    /**
     * Instance-side time: handler durations, timeouts, heartbeat pacing. Run-at times and leases use the
     * database's clock, so clock skew between instances does not matter.
     */
    public JobsBuilder clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return this;
    }

    /** Source of the retry jitter. */
    public JobsBuilder random(Random random) {
        this.random = Objects.requireNonNull(random, "random must not be null");
        return this;
    }

    /** Serialises payloads to JSON and back; default a plain {@code new ObjectMapper()}. */
    public JobsBuilder objectMapper(ObjectMapper objectMapper) {
        this.objectMapper = Objects.requireNonNull(objectMapper, "objectMapper must not be null");
        return this;
    }

    /** Registers the handler of a job type; the payload is read from JSON as {@code payloadType}. */
    public <T> JobsBuilder handler(String type, Class<T> payloadType, JobHandler<T> handler) {
        requireName(type, "job type");
        Objects.requireNonNull(payloadType, "payloadType must not be null");
        Objects.requireNonNull(handler, "handler must not be null");
        if (handlers.containsKey(type)) {
            throw new IllegalArgumentException("a handler for job type '" + type + "' is already registered");
        }
        handlers.put(type, new HandlerRegistration<>(payloadType, handler));
        return this;
    }

    /** Works on {@code queue} with {@code concurrency} threads. Without any queue, "default" with {@value #DEFAULT_CONCURRENCY}. */
    public JobsBuilder queue(String queue, int concurrency) {
        requireName(queue, "queue");
        if (concurrency < 1 || concurrency > 1000) {
            throw new IllegalArgumentException("concurrency of queue '" + queue + "' must be 1-1000, got " + concurrency);
        }
        queues.put(queue, concurrency);
        return this;
    }

    /**
     * A recurring job: at each occurrence of {@code schedule}, exactly one instance enqueues {@code type} with
     * {@code payload}. Registered (or updated) in the schedules table at {@link Jobs#start()}.
     */
    public JobsBuilder recurring(String name, Schedule schedule, String type, Object payload) {
        return recurring(name, schedule, type, payload, JobOptions.DEFAULTS);
    }

    /** As {@link #recurring(String, Schedule, String, Object)}, with queue, priority and max attempts from {@code options}. */
    public JobsBuilder recurring(String name, Schedule schedule, String type, Object payload, JobOptions options) {
        requireName(name, "schedule name");
        Objects.requireNonNull(schedule, "schedule must not be null");
        requireName(type, "job type");
        Objects.requireNonNull(options, "options must not be null");
        if (options.delay() != null || options.runAt() != null || options.idempotencyKey() != null) {
            throw new IllegalArgumentException("recurring job '" + name
                    + "' takes queue, priority and maxAttempts only; the schedule decides when and the key");
        }
        for (RecurringJob r : recurring) {
            if (r.name().equals(name)) {
                throw new IllegalArgumentException("recurring job '" + name + "' is already registered");
            }
        }
        recurring.add(new RecurringJob(name, schedule, type, payload, options));
        return this;
    }

    public JobsBuilder batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > 1000) {
            throw new IllegalArgumentException("batchSize must be 1-1000, got " + batchSize);
        }
        this.batchSize = batchSize;
        return this;
    }

    public JobsBuilder pollInterval(Duration pollInterval) {
        this.pollInterval = requireAtLeast(pollInterval, Duration.ofMillis(10), "pollInterval");
        return this;
    }

    public JobsBuilder leaseDuration(Duration leaseDuration) {
        this.leaseDuration = requireAtLeast(leaseDuration, Duration.ofMillis(300), "leaseDuration");
        return this;
    }

    public JobsBuilder timeout(Duration timeout) {
        this.timeout = requireAtLeast(timeout, Duration.ofMillis(10), "timeout");
        return this;
    }

    public JobsBuilder maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        return this;
    }

    /** Backoff before the first retry and its ceiling. */
    public JobsBuilder retryDelay(Duration first, Duration max) {
        requireAtLeast(first, Duration.ZERO, "retry delay");
        requireAtLeast(max, first, "max retry delay");
        this.retryDelay = first;
        this.maxRetryDelay = max;
        return this;
    }

    public JobsBuilder retention(Duration retention) {
        this.retention = requireAtLeast(retention, Duration.ZERO, "retention");
        return this;
    }

    public JobsBuilder shutdownGrace(Duration shutdownGrace) {
        this.shutdownGrace = requireAtLeast(shutdownGrace, Duration.ZERO, "shutdownGrace");
        return this;
    }

    /**
     * Whether to LISTEN for enqueue notifications on one dedicated connection (default true). Turn off behind a
     * transaction-mode pooler (PgBouncer) where LISTEN does not work; pickup then waits for the poll interval.
     */
    public JobsBuilder notifications(boolean enabled) {
        this.notifications = enabled;
        return this;
    }

    public JobsBuilder listener(JobListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
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
        JobsConfig config = new JobsConfig(dataSource, instanceId != null ? instanceId : InstanceId.generate(), clock,
                random, mapper, Map.copyOf(handlers), new LinkedHashMap<>(queues), List.copyOf(recurring), batchSize,
                pollInterval, leaseDuration, timeout, maxAttempts, retryDelay, maxRetryDelay, retention, shutdownGrace,
                notifications, listener);
        return new DefaultJobs(config);
    }

    static String requireName(String value, String what) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.isBlank() || value.length() > 200) {
            throw new IllegalArgumentException(what + " must be 1-200 characters, got '" + value + "'");
        }
        return value;
    }

    private static Duration requireAtLeast(Duration value, Duration min, String what) {
        Objects.requireNonNull(value, what + " must not be null");
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    record HandlerRegistration<T>(Class<T> payloadType, JobHandler<T> handler) {
    }

    record RecurringJob(String name, Schedule schedule, String type, Object payload, JobOptions options) {
    }

    record JobsConfig(DataSource dataSource, InstanceId instanceId, Clock clock, Random random, ObjectMapper mapper,
                      Map<String, HandlerRegistration<?>> handlers, Map<String, Integer> queues,
                      List<RecurringJob> recurring, int batchSize, Duration pollInterval, Duration leaseDuration,
                      Duration timeout, int maxAttempts, Duration retryDelay, Duration maxRetryDelay,
                      Duration retention, Duration shutdownGrace, boolean notifications, JobListener listener) {
    }
}
