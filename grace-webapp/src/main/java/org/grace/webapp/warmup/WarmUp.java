package org.grace.webapp.warmup;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import org.grace.core.InstanceId;
import org.grace.webapp.auth.AccessTokens;
import org.grace.webapp.auth.DenialListInRedis;
import org.grace.webapp.ratelimit.RateLimits;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.settings.GraceSettings;
import org.grace.webapp.users.Profiles;

/**
 * Runs the hot path's own code, a round at a time, until the JVM has compiled it well enough that a Redis round trip
 * answers steadily within its deadline, and only then lets the instance report ready (issue #15). A cold instance
 * on two busy cores ran its first 20-30 s at a tenth of its warm rate, and its Redis calls missed their 50 ms
 * deadline often enough that limits, revocation checks and cache reads went to their fallbacks on the first real
 * traffic: the instance behaved as if Redis were down because the JVM was still compiling.
 *
 * <p>A round is one decision of the API limiter's Redis script on a key of this instance's own (outside the metrics),
 * and every {@link #TOKEN_EVERY} rounds an access token signed and verified, the denial list's Redis check, and the
 * cache's write, read and delete of a profile. The warm-up is done when the last {@link #STEADY_ROUNDS} limiter
 * round trips all took under a quarter of {@code GRACE_REDIS_CALL_TIMEOUT}, after at least {@link #MIN_ROUNDS}
 * rounds; or at once without Redis (nothing to warm: every feature is on its fallback anyway); or when
 * {@code GRACE_WARMUP} (20 s) has passed, whatever the round trips say, so that a slow machine still gets an
 * instance. Until then {@code /health/ready} and {@code /api/health} answer 503 with {@code "warmUp":"running"}.
 */
@ApplicationScoped
public class WarmUp {
    private static final Logger LOG = Logger.getLogger(WarmUp.class.getName());
    /** Rounds at the least: a method is compiled after thousands of calls, and a round is several of them. */
    static final int MIN_ROUNDS = 500;
    /** The window of consecutive round trips that must all be well within the deadline. */
    static final int STEADY_ROUNDS = 200;
    /** How often a round also signs and verifies a token (an RSA signature, the costly part) and does the rest. */
    static final int TOKEN_EVERY = 10;

    @Inject
    GraceSettings settings;
    @Inject
    RedisConnection redis;
    @Inject
    RateLimits limits;
    @Inject
    AccessTokens tokens;
    @Inject
    DenialListInRedis denials;
    @Inject
    Profiles profiles;
    @Inject
    InstanceId instanceId;

    /** The clock of the rounds; a test sets its own. */
    LongSupplier nanoTime = System::nanoTime;

    private volatile boolean done;
    private volatile String outcome = "not started";
    private volatile Thread thread;

    /** Starts the warm-up in the background (the deployment goes on; readiness waits). */
    public void start() {
        Duration limit = settings.warmUp();
        if (limit.isZero()) {
            finish("off (GRACE_WARMUP=0s)");
            return;
        }
        if (redis.client().isEmpty()) {
            finish("skipped: no Redis configured");
            return;
        }
        long steadyBelow = settings.redisCallTimeout().toNanos() / 4;
        Thread t = new Thread(() -> run(limit, steadyBelow), "grace-warm-up");
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

    /** The rounds, until one of the ends the class comment lists; then {@link #done()} is true. */
    void run(Duration limit, long steadyBelow) {
        long start = nanoTime.getAsLong();
        long deadline = start + limit.toNanos();
        long[] window = new long[STEADY_ROUNDS];
        int rounds = 0;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                if (rounds % TOKEN_EVERY == 0) {
                    rareRound();
                }
                long t0 = nanoTime.getAsLong();
                boolean onRedis = limiterRoundTrip();
                long took = nanoTime.getAsLong() - t0;
                window[rounds % STEADY_ROUNDS] = onRedis ? took : Long.MAX_VALUE;
                rounds++;
                if (rounds >= MIN_ROUNDS && Arrays.stream(window).allMatch(n -> n < steadyBelow)) {
                    finish(String.format("steady after %d rounds in %d ms (Redis round trips under %d ms, slowest of"
                            + " the last %d: %.1f ms)", rounds, millisSince(start), steadyBelow / 1_000_000,
                            STEADY_ROUNDS, Arrays.stream(window).max().orElse(0) / 1e6));
                    return;
                }
                if (rounds >= STEADY_ROUNDS && !redisReachable()) {
                    finish(String.format("stopped after %d rounds in %d ms: Redis is unreachable, every feature is"
                            + " on its fallback", rounds, millisSince(start)));
                    return;
                }
                if (nanoTime.getAsLong() - deadline >= 0) {
                    finish(String.format("time limit (GRACE_WARMUP=%ds) after %d rounds, Redis round trips not yet"
                            + " steady", limit.toSeconds(), rounds));
                    return;
                }
            }
            finish("interrupted after " + rounds + " rounds");
        } catch (RuntimeException e) {
            // A warm-up that cannot run must not keep the instance out of service: report ready, say why.
            finish("failed after " + rounds + " rounds: " + e);
        }
    }

    /** One decision of the API limiter's Redis script; whether Redis answered it (not the fallback). */
    boolean limiterRoundTrip() {
        return !limits.warmUpCall(instanceId.value()).isFallback();
    }

    /** Whether the library believes Redis reachable. */
    boolean redisReachable() {
        return redis.availability().map(a -> a.isAvailable()).orElse(false);
    }

    /** The parts of a request too costly to repeat every round. */
    void rareRound() {
        AccessTokens.Issued issued = tokens.issue(0, "warm-up@grace.invalid", 0, "care_staff");
        tokens.verify(issued.token());
        denials.warmUp();
        profiles.warmUp();
    }

    private long millisSince(long start) {
        return (nanoTime.getAsLong() - start) / 1_000_000;
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
