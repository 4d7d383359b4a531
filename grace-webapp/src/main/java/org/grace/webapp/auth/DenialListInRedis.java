package org.grace.webapp.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.redis.RedisGuard;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * The logout denial list's copy in Redis, which a request asks when this instance's copy
 * ({@link DenialListInMemory}) is not current, PostgreSQL being down among the reasons: one key per denied
 * {@code jti} that expires with its token, and a marker saying the copy is complete (written after the list was
 * loaded from PostgreSQL, by {@link DenialListInMemory}'s periodic read or by a request that found it missing). A
 * Redis that restarted without its data, or was flushed, lacks the marker, and then its "not denied" is not
 * believed. {@link RevokedTokens} decides what to do with each answer; request-time calls go through
 * {@link RedisGuard}, so they wait at most the Redis call timeout.
 */
@ApplicationScoped
public class DenialListInRedis {
    private static final Logger LOG = Logger.getLogger(DenialListInRedis.class.getName());
    /** Key prefix of denied access tokens: the value is irrelevant, the key expires with the token. */
    static final String DENIED_PREFIX = "grace:auth:revoked:";
    /** The marker of a complete copy. */
    static final String COMPLETE = "grace:auth:revoked-complete";
    /** One round trip: -1 when the copy is not known complete, else 1 or 0 for the key. */
    private static final String CHECK = "if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end "
            + "return redis.call('EXISTS', KEYS[2])";

    @Inject
    RedisConnection redis;
    @Inject
    RedisGuard guard;
    @Inject
    GraceMetrics metrics;

    /** Whether Redis is configured at all; without it, PostgreSQL answers every check. */
    boolean configured() {
        return redis.client().isPresent();
    }

    /**
     * Whether logout denied this {@code jti}: 1 yes, 0 no, -1 Redis answered but lost the list (the caller asks
     * PostgreSQL and reloads Redis), null Redis did not answer in time.
     */
    Integer check(String jti) {
        Long answer = measured(() -> guard.call("revocation-check", () -> client().getScript(StringCodec.INSTANCE)
                .<Long>evalAsync(RScript.Mode.READ_ONLY, CHECK, RScript.ReturnType.INTEGER,
                        List.of(COMPLETE, DENIED_PREFIX + jti)), () -> null));
        return answer == null ? null : answer.intValue();
    }

    /** Records a denial within the call timeout; false when Redis did not take it (PostgreSQL has it anyway). */
    boolean store(String jti, Duration ttl) {
        Boolean stored = measured(() -> guard.call("revocation-store",
                () -> client().getBucket(DENIED_PREFIX + jti).setAsync("1", ttl).thenApply(done -> Boolean.TRUE),
                () -> null));
        return stored != null;
    }

    /**
     * Records a denial for a logout, outside the request-latency rules: a logout can wait for Redisson's own command
     * timeout (half a second) rather than skip Redis because a read was slow a moment ago, since another instance
     * asking Redis would otherwise still accept the token. False when Redis did not take it.
     */
    boolean storeNow(String jti, Duration ttl) {
        try {
            long start = System.nanoTime();
            client().getBucket(DENIED_PREFIX + jti).set("1", ttl);
            metrics.redisCall(System.nanoTime() - start);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Whether the copy is marked complete; null when Redis did not answer within the call timeout or is known to be
     * down. Asked by {@link DenialListInMemory}'s periodic read, bounded like a request's call and never sent while
     * the guard knows Redis is down, so that the read never waits on a lost connection for Redisson's timeout and
     * retry.
     */
    Boolean isComplete() {
        if (guard.isDown()) {
            return null;
        }
        return guard.call("revocation-marker", () -> client().getBucket(COMPLETE).isExistsAsync(), () -> null);
    }

    /** Loads a complete list into Redis and marks it complete (in the background, not in a request). */
    void reload(Map<String, Instant> denied) {
        RedissonClient client = client();
        Instant now = Instant.now();
        denied.forEach((jti, expires) -> {
            Duration ttl = Duration.between(now, expires);
            if (!ttl.isNegative() && !ttl.isZero()) {
                client.getBucket(DENIED_PREFIX + jti).set("1", ttl);
            }
        });
        client.getBucket(COMPLETE).set("1");
    }

    /**
     * Runs the check once, without a deadline, before traffic: the first script call of a process takes longer than
     * the deadline and would otherwise send the first requests to their fallback.
     */
    public void warmUp() {
        if (!configured()) {
            return;
        }
        try {
            client().getScript(StringCodec.INSTANCE).eval(RScript.Mode.READ_ONLY, CHECK, RScript.ReturnType.INTEGER,
                    List.of(COMPLETE, DENIED_PREFIX + "warm-up"));
        } catch (RuntimeException e) {
            LOG.info("grace: denial list warm-up skipped: " + e.getMessage());
        }
    }

    /** A guarded call whose round trip, when Redis answered (not null), counts in the Redis latency metric. */
    private <T> T measured(Supplier<T> call) {
        long start = System.nanoTime();
        T answer = call.get();
        if (answer != null) {
            metrics.redisCall(System.nanoTime() - start);
        }
        return answer;
    }

    private RedissonClient client() {
        return redis.client().orElseThrow(() -> new IllegalStateException("Redis is not configured"));
    }
}
