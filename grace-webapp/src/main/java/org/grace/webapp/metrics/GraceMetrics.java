package org.grace.webapp.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Every metric Grace exports, named once here. They are MicroProfile Metrics in the application registry, so
 * Payara serves them at {@code /metrics} in Prometheus text with the suffixes its exporter adds ({@code _total} on
 * counters; {@code _count}, {@code _sum}, {@code _max} and {@code quantile} lines on histograms) and the tag
 * {@code mp_scope="application"}. Latencies are histograms of microseconds (a Redis round trip is well under a
 * millisecond) with no MP unit, because Payara's exporter mixes units on timers (quantiles in nanoseconds, sums in
 * seconds); the unit is in the name instead.
 *
 * <p>For a fleet, request, Redis and database latencies are also Prometheus histograms in seconds with fixed buckets
 * ({@link LatencyHistogram}), served with process and pool gauges by {@link PrometheusEndpoint} at
 * {@code /prometheus}: Payara renders MicroProfile histograms as summaries, whose quantiles cannot be combined
 * across instances. docs/webapp.md lists the exported lines, docs/operations.md the alerts on them.
 */
@ApplicationScoped
public class GraceMetrics {
    public static final String HTTP_REQUESTS = "grace_http_requests";
    public static final String HTTP_DURATION = "grace_http_request_duration_us";
    public static final String HTTP_SERVER_ERRORS = "grace_http_server_errors";
    public static final String REDIS_LATENCY = "grace_redis_latency_us";
    public static final String REDIS_FALLBACKS = "grace_redis_fallbacks";
    public static final String RATELIMIT_DENIED = "grace_ratelimit_denied";
    public static final String CACHE_HITS = "grace_cache_hits";
    public static final String CACHE_MISSES = "grace_cache_misses";
    public static final String PASSWORD_CHECKS = "grace_auth_password_checks";
    public static final String LOGINS = "grace_auth_logins";
    public static final String DB_POOL = "grace_db_pool_connections";
    public static final String JOBS_QUEUE_DEPTH = "grace_jobs_queue_depth";

    private final LatencyHistogram httpSeconds = new LatencyHistogram("grace_http_request_duration_seconds",
            "Time from request to response, by route template and status class", "route", "status_class");
    private final LatencyHistogram redisSeconds = new LatencyHistogram("grace_redis_call_duration_seconds",
            "Round trip of the web application's Redis calls");
    private final LatencyHistogram databaseSeconds = new LatencyHistogram("grace_db_call_duration_seconds",
            "Time a caller held a pooled database connection, from asking for it to closing it");
    private final LatencyHistogram streamLag = new LatencyHistogram("grace_stream_delivery_lag_seconds",
            "Live stream: time from a notification's creation to its send on a stream");
    private final CounterFamily streamEvents = new CounterFamily("grace_stream_events_sent",
            "Live stream: events sent, by event type", "event", "ready", "notification", "notification-updated",
            "incident-updated", "reauthenticate", "heartbeat");
    private final CounterFamily streamQueries = new CounterFamily("grace_stream_queries",
            "Live stream: notification queries of the instance's dispatcher, by what started them (pubsub: a bus "
                    + "event; poll: the timer while the bus is down; sweep: the safety timer while it is up; "
                    + "catch-up: a stream that connected)", "path", "pubsub", "poll", "sweep", "catch-up");
    private final CounterFamily streamDelivered = new CounterFamily("grace_stream_notifications_delivered",
            "Live stream: notifications sent, by the path of the query that found them", "path", "pubsub", "poll",
            "sweep", "catch-up");
    private final Map<String, FleetGauge> fleetGauges = new ConcurrentSkipListMap<>();

    /** A value read at scrape time for {@code /prometheus}. */
    record FleetGauge(String help, String type, Supplier<? extends Number> value) {
    }

    @Inject
    MetricRegistry registry;

    /** The MicroProfile histograms, by name: created at first use, since the registry is injected. */
    private final Map<String, Histogram> histograms = new HashMap<>();

    /** One counter per endpoint, method and status, kept: the registry's lookup by tags was 2-4 % of a request. */
    private final Map<RequestKey, Counter> requestCounters = new ConcurrentHashMap<>();
    /** Counters of one tag, by name and tag value: the registry builds and sorts a metric id on every lookup. */
    private final Map<String, Counter> taggedCounters = new ConcurrentHashMap<>();

    private record RequestKey(String endpoint, String method, int status) {
    }

    public void request(String endpoint, String method, int status, long nanos) {
        requestCounters.computeIfAbsent(new RequestKey(endpoint, method, status), k -> registry.counter(HTTP_REQUESTS,
                new Tag("endpoint", k.endpoint()), new Tag("method", k.method()),
                new Tag("status", Integer.toString(k.status())))).inc();
        httpDuration().update(nanos / 1_000);
        httpSeconds.observe(nanos, endpoint, (status / 100) + "xx");
        if (status >= 500) {
            registry.counter(HTTP_SERVER_ERRORS).inc();
        }
    }

    /** One Redis round trip made by the web application (token denial checks, rate limits, cache reads). */
    public void redisCall(long nanos) {
        redisLatency().update(Math.max(0, nanos) / 1_000);
        redisSeconds.observe(nanos);
    }

    /** One use of a pooled database connection, from asking for it to giving it back. */
    public void databaseCall(long nanos) {
        databaseSeconds.observe(nanos);
    }

    /**
     * A gauge (or, with {@code type} "counter", a monotonic total) for {@code /prometheus}, read at scrape time,
     * registered once by the adapter that knows it.
     */
    public void fleetGauge(String name, String help, String type, Supplier<? extends Number> value) {
        fleetGauges.put(name, new FleetGauge(help, type, value));
    }

    /** Everything {@code /prometheus} serves, in Prometheus text format. */
    public String prometheusText() {
        StringBuilder out = new StringBuilder(16 * 1024);
        httpSeconds.writeTo(out);
        redisSeconds.writeTo(out);
        databaseSeconds.writeTo(out);
        streamLag.writeTo(out);
        streamEvents.writeTo(out);
        streamQueries.writeTo(out);
        streamDelivered.writeTo(out);
        fleetGauges.forEach((name, gauge) -> {
            Number value;
            try {
                value = gauge.value().get();
            } catch (RuntimeException e) {
                return; // a gauge that cannot be read now is left out of this scrape, not reported as zero
            }
            if (value == null) {
                return;
            }
            out.append("# HELP ").append(name).append(' ').append(gauge.help()).append('\n');
            out.append("# TYPE ").append(name).append(' ').append(gauge.type()).append('\n');
            out.append(name).append(' ').append(LatencyHistogram.format(value.doubleValue())).append('\n');
        });
        return out.toString();
    }

    /** One event sent on a live stream ({@code event}: its SSE name, or {@code heartbeat}). */
    public void streamEventSent(String event) {
        streamEvents.add(event, 1);
    }

    /** A notification sent on a live stream {@code lagNanos} after it was created. */
    public void streamNotificationDelivered(String path, long lagNanos) {
        streamDelivered.add(path, 1);
        streamLag.observe(lagNanos);
    }

    /** One query of the live stream's dispatcher, by what started it. */
    public void streamQuery(String path) {
        streamQueries.add(path, 1);
    }

    /** A guarded Redis call answered from its fallback ({@code what}: the guarded operation). */
    public void redisFallback(String what) {
        tagged(REDIS_FALLBACKS, "operation", what).inc();
    }

    private Counter tagged(String name, String tag, String value) {
        return taggedCounters.computeIfAbsent(name + '\0' + tag + '\0' + value,
                k -> registry.counter(name, new Tag(tag, value)));
    }

    /** Every {@link #redisFallback} since start, whatever the operation (the warm-up watches it). */
    public long redisFallbacks() {
        long total = 0;
        for (Map.Entry<String, Counter> c : taggedCounters.entrySet()) {
            if (c.getKey().startsWith(REDIS_FALLBACKS + '\0')) {
                total += c.getValue().getCount();
            }
        }
        return total;
    }

    public void rateLimitDenied(String policy) {
        tagged(RATELIMIT_DENIED, "policy", policy).inc();
    }

    public void cacheHit(String level) {
        tagged(CACHE_HITS, "level", level).inc();
    }

    public void cacheMiss() {
        registry.counter(CACHE_MISSES).inc();
    }

    public void passwordCheck() {
        registry.counter(PASSWORD_CHECKS).inc();
    }

    public void login(String outcome) {
        tagged(LOGINS, "outcome", outcome).inc();
    }

    /**
     * Registers every fixed series at zero, so a scrape shows each metric from the start ("no 5xx yet" is 0, not a
     * missing line). Series with open label values (endpoint, status) appear with their first request.
     */
    public void registerAtZero() {
        registry.counter(HTTP_SERVER_ERRORS);
        registry.counter(CACHE_MISSES);
        registry.counter(CACHE_HITS, new Tag("level", "local"));
        registry.counter(CACHE_HITS, new Tag("level", "redis"));
        registry.counter(PASSWORD_CHECKS);
        for (String policy : new String[] {"login-ip", "login-account", "api-user"}) {
            registry.counter(RATELIMIT_DENIED, new Tag("policy", policy));
        }
        httpDuration();
        redisLatency();
    }

    /** A value read at scrape time (pool connections, queue depth), registered once by the adapter that knows it. */
    public <T extends Number> void gauge(String name, Supplier<T> value, Tag... tags) {
        registry.gauge(name, value, tags);
    }

    private Histogram httpDuration() {
        return microseconds(HTTP_DURATION, "Time from request to response, microseconds (every request)");
    }

    private Histogram redisLatency() {
        return microseconds(REDIS_LATENCY, "Round trip of the web application's Redis calls, microseconds");
    }

    /** The registry's histogram {@code name} (values in microseconds), registered at its first use. */
    private synchronized Histogram microseconds(String name, String description) {
        return histograms.computeIfAbsent(name, n -> registry.histogram(Metadata.builder().withName(n)
                .withDescription(description).withUnit(MetricUnits.NONE).build()));
    }
}
