package org.grace.webapp.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;
import org.grace.core.jobs.JobStatus;
import org.grace.core.jobs.JobsAdmin;
import org.grace.webapp.database.Database;
import org.grace.webapp.library.GraceLibrary;

/**
 * Gauges read at scrape time: the connection pool ({@code grace_db_pool_connections{state=active|idle|waiting}}
 * from HikariCP) and the job queue depth ({@code grace_jobs_queue_depth}: pending jobs of all queues, from
 * PostgreSQL, so every instance reports the cluster's figure; cached for a few seconds so frequent scrapes do not
 * turn into queries; -1 until the job system has started).
 */
@ApplicationScoped
public class PlatformGauges {
    /** Scrapes every few seconds from several Prometheus servers must not each cost a query. */
    static final long QUEUE_DEPTH_CACHE_NANOS = 5_000_000_000L;

    @Inject
    GraceMetrics metrics;
    @Inject
    Database database;
    @Inject
    GraceLibrary library;

    private boolean registered;
    private long queueDepth = -1;
    private long queueDepthAt;

    public synchronized void register() {
        if (registered) {
            return;
        }
        registered = true;
        metrics.registerAtZero();
        MetricRegistry registry = metrics.registry();
        registry.gauge(GraceMetrics.DB_POOL, database, d -> d.stats().active(), new Tag("state", "active"));
        registry.gauge(GraceMetrics.DB_POOL, database, d -> d.stats().idle(), new Tag("state", "idle"));
        registry.gauge(GraceMetrics.DB_POOL, database, d -> d.stats().waiting(), new Tag("state", "waiting"));
        registry.gauge(GraceMetrics.DB_POOL, database, d -> d.stats().max(), new Tag("state", "max"));
        registry.gauge(GraceMetrics.JOBS_QUEUE_DEPTH, this, PlatformGauges::queueDepth);
    }

    synchronized long queueDepth() {
        long now = System.nanoTime();
        if (queueDepth >= 0 && now - queueDepthAt < QUEUE_DEPTH_CACHE_NANOS) {
            return queueDepth;
        }
        library.jobsIfBuilt().ifPresent(jobs -> {
            try {
                queueDepth = jobs.admin().counts().stream()
                        .filter(c -> c.status() == JobStatus.PENDING)
                        .mapToLong(JobsAdmin.StatusCount::count).sum();
                queueDepthAt = now;
            } catch (RuntimeException e) {
                // database down: keep the last figure; health says why
            }
        });
        return queueDepth;
    }
}
