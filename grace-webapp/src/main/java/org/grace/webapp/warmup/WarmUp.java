package org.grace.webapp.warmup;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;
import org.grace.webapp.auth.AccessTokenFilter;
import org.grace.webapp.auth.AccessTokens;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.settings.GraceSettings;

/**
 * Sends the instance's own hot path real HTTP traffic before it reports ready (issue #15), until its throughput has
 * levelled off with no Redis fallback: a cold JVM on two busy cores ran its first 20-30 s at a tenth of its warm rate,
 * and its Redis calls missed their deadline often enough that limits, revocation checks and cache reads went to their
 * fallbacks on the first real traffic. An earlier warm-up that looped over the library calls on one thread did not
 * help (measured): what must be compiled is what {@value #CONNECTIONS} concurrent HTTP connections run, from the
 * listener through the filters, the token check, the limiter, the cache and the JSON error.
 *
 * <p>The traffic: {@code GET /api/auth/me} on the instance's own port (the launcher tells it,
 * {@code -Dgrace.http.port}), half with a bearer token and half with the access cookie, each token signed here for a
 * user id below zero that no account has, a new one every {@value #REQUESTS_PER_TOKEN} requests. Every request goes
 * the whole way a signed-in read goes: token check, denial list, the API limiter on Redis (leases included), the
 * profile through both cache levels (for such ids a placeholder, never read from PostgreSQL: see
 * {@code Profiles}), and a 200 with its JSON. They count in the request metrics like any caller's.
 *
 * <p>It ends, and {@code /health/ready} and {@code /api/health} stop answering 503 {@code "warming"}, when
 * {@link Steadiness} says so (throughput level over the last seconds, no Redis fallback), when Redis is unreachable
 * (its features are on their fallbacks anyway), when {@code GRACE_WARMUP} (20 s) has passed, or at once with
 * {@code GRACE_WARMUP=0s} or without a known port. A warm-up that fails reports ready and says why: it must never keep
 * an instance out of service.
 */
@ApplicationScoped
public class WarmUp {
    private static final Logger LOG = Logger.getLogger(WarmUp.class.getName());
    /**
     * Connections at once: as many as the efficiency benchmark's. With 8 the warm-up's own client set the pace
     * (measured in HealthIT: a level 1,300-1,400 requests a second with 8, 1,700-2,200 with 16).
     */
    static final int CONNECTIONS = 16;
    /**
     * Requests per signed token: below the API limit (100 a minute), so no warm-up request is a 429; and few enough
     * that new callers keep coming, each with its token to verify, its first limiter decisions and its profile to
     * read from Redis, as a fleet's many users do. Not fewer: signing a token (RSA) costs the warm-up's client more
     * than a request, and with 10 a token the client, not the instance, set the warm-up's pace.
     */
    static final int REQUESTS_PER_TOKEN = 50;
    /** How long the application may take to answer at all once the warm-up starts (it starts during deployment). */
    static final Duration FIRST_ANSWER = Duration.ofSeconds(30);

    @Inject
    GraceSettings settings;
    @Inject
    AccessTokens tokens;
    @Inject
    GraceMetrics metrics;
    @Inject
    RedisConnection redis;

    private volatile boolean done;
    private volatile String outcome = "not started";
    private volatile Thread thread;

    /** Starts the warm-up in the background (the deployment goes on; readiness waits). */
    public void start() {
        Duration limit = settings.warmUp();
        OptionalInt port = settings.httpPort();
        if (limit.isZero()) {
            finish("off (GRACE_WARMUP=0s)");
            return;
        }
        if (port.isEmpty()) {
            finish("skipped: this instance's HTTP port is unknown (not started by the launcher)");
            return;
        }
        Thread t = new Thread(() -> run(limit, port.getAsInt()), "grace-warm-up");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Whether the instance may report ready. */
    public boolean done() {
        return done;
    }

    /** What {@code /api/health} shows: {@code running}, or how the warm-up ended. */
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("state", done ? "done" : "running");
        status.put("outcome", outcome);
        return status;
    }

    private void run(Duration limit, int port) {
        long start = System.nanoTime();
        URI me = URI.create("http://127.0.0.1:" + port + "/api/auth/me");
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        ExecutorService workers = Executors.newFixedThreadPool(CONNECTIONS, r -> {
            Thread t = new Thread(r, "grace-warm-up-client");
            t.setDaemon(true);
            return t;
        });
        LongAdder requests = new LongAdder();
        LongAdder failures = new LongAdder();
        AtomicLong nextUser = new AtomicLong();
        try {
            if (!awaitFirstAnswer(client, me, start + Math.min(limit.toNanos(), FIRST_ANSWER.toNanos()))) {
                finish("gave up: the application did not answer on port " + port + " within "
                        + Math.min(limit.toSeconds(), FIRST_ANSWER.toSeconds()) + " s");
                return;
            }
            for (int i = 0; i < CONNECTIONS; i++) {
                boolean cookie = i % 2 == 0;
                workers.execute(() -> drive(client, me, cookie, nextUser, requests, failures));
            }
            finish(watch(limit, start, requests, failures));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finish("interrupted");
        } catch (RuntimeException e) {
            finish("failed: " + e);
        } finally {
            workers.shutdownNow();
        }
    }

    /** One connection's loop: requests until the warm-up ends. */
    private void drive(HttpClient client, URI me, boolean cookie, AtomicLong nextUser, LongAdder requests,
                       LongAdder failures) {
        while (!done && !Thread.currentThread().isInterrupted()) {
            String token = tokens.issue(-1 - nextUser.getAndIncrement(), "warm-up@grace.invalid", 0,
                    Roles.CARE_STAFF).token();
            HttpRequest request = (cookie
                    ? HttpRequest.newBuilder(me).header("Cookie", AccessTokenFilter.ACCESS_COOKIE + "=" + token)
                    : HttpRequest.newBuilder(me).header("Authorization", "Bearer " + token))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            for (int i = 0; i < REQUESTS_PER_TOKEN && !done; i++) {
                try {
                    client.send(request, HttpResponse.BodyHandlers.discarding());
                    requests.increment();
                } catch (IOException e) {
                    failures.increment();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Every second, how far the warm-up has come; returns how it ended. */
    private String watch(Duration limit, long start, LongAdder requests, LongAdder failures)
            throws InterruptedException {
        Steadiness steadiness = new Steadiness();
        long lastRequests = 0;
        long lastFallbacks = metrics.redisFallbacks();
        while (true) {
            Thread.sleep(Steadiness.WINDOW.toMillis());
            long total = requests.sum();
            long fallbacks = metrics.redisFallbacks();
            steadiness.add(total - lastRequests, fallbacks - lastFallbacks);
            lastRequests = total;
            lastFallbacks = fallbacks;
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            String figures = String.format("%d requests in %d ms, %d Redis fallbacks, %d failed requests; per second:"
                    + " %s", total, elapsedMillis, fallbacks, failures.sum(), steadiness);
            if (steadiness.steady()) {
                return "steady after " + figures;
            }
            if (steadiness.windows() >= Steadiness.MIN_WINDOWS
                    && redis.availability().map(a -> !a.isAvailable()).orElse(true)) {
                return "stopped, Redis is unreachable (every feature is on its fallback) after " + figures;
            }
            if (elapsedMillis >= limit.toMillis()) {
                return "time limit (GRACE_WARMUP=" + limit.toSeconds() + "s), not yet steady after " + figures;
            }
        }
    }

    /** Waits until the application (not the container, before deployment ends) answers the first request. */
    private boolean awaitFirstAnswer(HttpClient client, URI me, long deadline) throws InterruptedException {
        HttpRequest probe = HttpRequest.newBuilder(me).timeout(Duration.ofSeconds(2)).GET().build();
        while (System.nanoTime() - deadline < 0) {
            try {
                HttpResponse<String> r = client.send(probe, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 401 && r.body().contains("\"requestId\"")) {
                    return true; // Grace's JSON error: the application is deployed
                }
            } catch (IOException e) {
                // not listening yet
            }
            TimeUnit.MILLISECONDS.sleep(100);
        }
        return false;
    }

    private void finish(String how) {
        outcome = how;
        done = true;
        LOG.info("grace: warm-up " + how);
    }

    @PreDestroy
    void stop() {
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
    }
}
