package org.grace.webapp.library;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.InstanceId;
import org.grace.core.cache.CacheListener;
import org.grace.core.cache.GraceCache;
import org.grace.core.events.EventBus;
import org.grace.core.jobs.JobStatus;
import org.grace.core.jobs.Jobs;
import org.grace.core.jobs.JobsAdmin;
import org.grace.core.jobs.JobsSchema;
import org.grace.core.redis.RedisAvailability;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.settings.GraceSettings;
import org.redisson.api.RedissonClient;

/**
 * grace-core-lib inside the container: builds the two-level cache, the event bus and the job system once, from
 * MicroProfile Config and the instance's one Redisson client and connection pool, and closes them when the
 * application stops (jobs first, so running jobs finish while the rest still works). The rate limiters are built
 * by the rate-limit adapter ({@code RateLimits}) from the same settings.
 *
 * <p>The cache and the event bus need Redis: without {@code GRACE_REDIS_URL} they are absent and callers read
 * PostgreSQL directly (one instance needs no coherence). They share the Redis connection's
 * {@link RedisAvailability}, so an outage is one pair of log lines. Request code reads the cache through
 * {@link ReadThroughCache}; the event bus ({@link #events()}) is for the domain areas that tell other instances
 * about changes (the care areas publish their notifications on it). The job system needs only PostgreSQL and is
 * always there; each domain area registers its job types through {@link JobTypes}; workers run unless
 * {@code GRACE_JOBS_WORKER=false}.
 */
@ApplicationScoped
public class GraceLibrary {
    private static final Logger LOG = Logger.getLogger(GraceLibrary.class.getName());
    /** Scrapes every few seconds from several Prometheus servers must not each cost a query. */
    static final long QUEUE_DEPTH_CACHE_NANOS = 5_000_000_000L;

    @Inject
    GraceSettings settings;
    @Inject
    RedisConnection redis;
    @Inject
    InstanceId instanceId;
    @Inject
    DataSource dataSource;
    @Inject
    GraceMetrics metrics;
    @Inject
    Instance<JobTypes> featureJobTypes;

    private boolean built;
    private GraceCache cache;
    private EventBus events;
    private Jobs jobs;
    private boolean closed;
    private Thread shutdownHook;
    private long queueDepth = -1;
    private long queueDepthAt;

    public synchronized Optional<GraceCache> cache() {
        build();
        return Optional.ofNullable(cache);
    }

    public synchronized Optional<EventBus> events() {
        build();
        return Optional.ofNullable(events);
    }

    /**
     * The job system, for injection ({@code @Inject Jobs jobs}). Built at the first call that finds PostgreSQL
     * answering: its tables are created then, so an instance started while the database is down gets its job
     * system when the database returns.
     */
    @Produces
    @ApplicationScoped
    public synchronized Jobs jobs() {
        if (jobs == null) {
            JobsSchema.migrate(dataSource);
            Jobs.Builder builder = Jobs.builder(dataSource).instanceId(instanceId);
            for (JobTypes feature : featureJobTypes) {
                feature.registerOn(builder);
            }
            jobs = builder.build();
            if (settings.jobsWorker()) {
                jobs.start();
            }
            LOG.info(() -> "grace: job system ready, workers " + (settings.jobsWorker() ? "running" : "off"));
        }
        return jobs;
    }

    /**
     * Registers the job queue depth gauge ({@code grace_jobs_queue_depth}): pending jobs of all queues, from
     * PostgreSQL, so every instance reports the fleet's figure; cached for a few seconds so frequent scrapes do not
     * turn into queries; -1 until the job system has started (a scrape never builds it).
     */
    public void registerGauges() {
        metrics.gauge(GraceMetrics.JOBS_QUEUE_DEPTH, this::queueDepth);
    }

    synchronized long queueDepth() {
        long now = System.nanoTime();
        if (jobs == null || queueDepth >= 0 && now - queueDepthAt < QUEUE_DEPTH_CACHE_NANOS) {
            return queueDepth;
        }
        try {
            queueDepth = jobs.admin().counts().stream()
                    .filter(c -> c.status() == JobStatus.PENDING)
                    .mapToLong(JobsAdmin.StatusCount::count).sum();
            queueDepthAt = now;
        } catch (RuntimeException e) {
            // database down: keep the last figure; health says why
        }
        return queueDepth;
    }

    private void build() {
        if (built) {
            return;
        }
        built = true;
        Optional<RedissonClient> client = redis.client();
        Optional<RedisAvailability> availability = redis.availability();
        if (client.isPresent() && availability.isPresent()) {
            // The cache and the event bus unsubscribe through the client when closed: close them before it goes.
            redis.beforeShutdown(this::close);
            cache = GraceCache.builder()
                    .redis(client.get())
                    .instanceId(instanceId)
                    .availability(availability.get())
                    .callTimeout(settings.redisCallTimeout())
                    .listener(new CacheListener() {
                        @Override
                        public void onLocalHit(String key) {
                            metrics.cacheHit("local");
                        }

                        @Override
                        public void onRedisHit(String key) {
                            metrics.cacheHit("redis");
                        }

                        @Override
                        public void onMiss(String key) {
                            metrics.cacheMiss();
                        }

                        @Override
                        public void onCallTimeout(String operation, String key) {
                            metrics.redisFallback("cache-" + operation);
                        }
                    })
                    .build();
            events = EventBus.builder().redis(client.get()).instanceId(instanceId).availability(availability.get())
                    .build();
        }
        LOG.info(() -> "grace: cache and events " + (cache != null ? "on Redis" : "off (no GRACE_REDIS_URL)"));
    }

    /**
     * Closes the library when the JVM ends, too: the hook gives running jobs their grace and hands the rest back at
     * once instead of after their lease, whether or not Payara Micro's own stop (which undeploys the application,
     * running {@code @PreDestroy}, on a hook of its own) gets that far before the process ends.
     */
    public synchronized void closeOnJvmShutdown() {
        if (shutdownHook == null && !closed) {
            // Payara Micro serves on for GRACE_SHUTDOWN_DRAIN after SIGTERM (readiness 503) before it stops the
            // application: the library keeps working for the requests of that time, then closes.
            long drainMillis = settings.shutdownDrain().toMillis();
            shutdownHook = new Thread(() -> {
                try {
                    Thread.sleep(drainMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                try {
                    close();
                } catch (Throwable e) {
                    // The container is stopping around us; what could not be closed ends with the process.
                    report(Level.WARNING, "grace: library close at JVM shutdown: " + e);
                }
            }, "grace-library-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already ending; the hook finds the library closed
            }
        }
        // Each part on its own: at JVM shutdown the embedded PostgreSQL may be stopping beside us, and a job store that
        // fails to release its leases must not keep the cache and the event bus from unsubscribing from Redis.
        boolean clean = closeQuietly("jobs", jobs);
        clean &= closeQuietly("events", events);
        clean &= closeQuietly("cache", cache);
        report(Level.INFO, clean ? "grace: library closed (jobs, events, cache)"
                : "grace: library closed (jobs, events, cache), not all cleanly; see above");
    }

    /**
     * A line about closing. From the JVM shutdown hook it goes straight to the process's standard error: Payara Micro
     * has shut its logging down by then (this line, logged, never reached the launcher's output in
     * {@code EmbeddedDefaultIT}), so a shutdown problem would leave no trace. The file descriptor, not
     * {@code System.err}, whatever the container has made of that.
     */
    private void report(Level level, String line) {
        if (Thread.currentThread() == shutdownHook) {
            @SuppressWarnings("resource") // the process's own stderr: never closed here
            PrintStream stderr = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
                    StandardCharsets.UTF_8);
            stderr.println(line);
        } else {
            LOG.log(level, line);
        }
    }

    private boolean closeQuietly(String part, AutoCloseable closeable) {
        if (closeable == null) {
            return true;
        }
        try {
            closeable.close();
            return true;
        } catch (Exception | LinkageError e) {
            report(Level.WARNING, "grace: closing the library's " + part + " failed: " + e);
            return false;
        }
    }
}
