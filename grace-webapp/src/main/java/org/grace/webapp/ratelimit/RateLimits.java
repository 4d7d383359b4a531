package org.grace.webapp.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;
import org.grace.core.ratelimit.FallbackPolicy;
import org.grace.core.ratelimit.Limit;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.core.ratelimit.RateLimitListener;
import org.grace.core.ratelimit.RateLimitPolicy;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.settings.GraceSettings;

/**
 * The three limits of the issue, built from the settings with grace-core-lib's limiter on the shared Redis: sign-in
 * attempts per client address and per account ({@code GRACE_RATELIMIT_LOGIN_PER_MINUTE}, 5), API calls per user
 * ({@code GRACE_RATELIMIT_API_PER_MINUTE}, 100). Exact across instances while Redis answers, except that a user whose
 * calls reach this instance faster than about two a second is served from a lease of up to
 * {@code GRACE_RATELIMIT_API_LEASE} permits (16) taken from Redis at once and spent here for up to a second: never
 * more than the limit in total, and another instance may be refused at most that many permits early (the library's
 * {@link RateLimiter.Builder#leases} says exactly what holds). A decision waits for
 * Redis at most {@code GRACE_REDIS_CALL_TIMEOUT} (the library's call timeout); when Redis is slower or away, the
 * library decides with this instance's share ({@code 1 / GRACE_INSTANCES}) of each limit in memory, says so
 * ({@link RateLimitDecision#isFallback()}), and this class counts it in {@code grace_redis_fallbacks}. One key has
 * one in-memory counter: the library's.
 */
@ApplicationScoped
public class RateLimits {
    /** Each limit once: its policy name (in headers and the denial metric's tag), its setting of permits a minute. */
    private enum Policy {
        LOGIN_IP("login-ip", GraceSettings::rateLimitLoginPerMinute),
        LOGIN_ACCOUNT("login-account", GraceSettings::rateLimitLoginPerMinute),
        API_USER("api-user", GraceSettings::rateLimitApiPerMinute),
        INGEST_DEVICE("ingest-device", GraceSettings::rateLimitIngestDevicePerMinute),
        INGEST_RESIDENT("ingest-resident", GraceSettings::rateLimitIngestResidentPerMinute);

        final String policyName;
        final ToIntFunction<GraceSettings> perMinute;

        Policy(String policyName, ToIntFunction<GraceSettings> perMinute) {
            this.policyName = policyName;
            this.perMinute = perMinute;
        }
    }

    @Inject
    GraceSettings settings;
    @Inject
    RedisConnection redis;
    @Inject
    GraceMetrics metrics;

    /** Built at first use; read on every request, so without a lock once built. */
    private volatile Map<String, RateLimiter> limiters;

    public RateLimitDecision loginFromAddress(String address) {
        return acquire(Policy.LOGIN_IP, address);
    }

    public RateLimitDecision loginForAccount(String email) {
        return acquire(Policy.LOGIN_ACCOUNT, email.toLowerCase());
    }

    public RateLimitDecision apiCall(String userId) {
        return acquire(Policy.API_USER, userId);
    }

    /** Transcripts posted by one companion device. */
    public RateLimitDecision ingestFromDevice(long deviceId) {
        return acquire(Policy.INGEST_DEVICE, Long.toString(deviceId));
    }

    /** Transcripts posted for one resident, by devices and staff together. */
    public RateLimitDecision ingestForResident(long residentId) {
        return acquire(Policy.INGEST_RESIDENT, Long.toString(residentId));
    }

    /** The 429 for a denied decision of these limits, with its headers (the policy's own, as the library writes it). */
    public ApiException tooManyRequests(RateLimitDecision d) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Retry-After", Long.toString(d.retryAfterSeconds()));
        headers.put("RateLimit", d.rateLimitHeader());
        RateLimiter limiter = limiters().get(d.limitName());
        if (limiter != null) {
            headers.put("RateLimit-Policy", limiter.policy().policyHeader());
        }
        return new ApiException(429, "too many requests; retry in " + d.retryAfterSeconds() + " s", Map.of(),
                headers);
    }

    private RateLimitDecision acquire(Policy policy, String key) {
        RateLimitDecision decision = limiters().get(policy.policyName).tryAcquire(key);
        if (decision.isFallback()) {
            metrics.redisFallback("ratelimit");
        }
        if (!decision.allowed()) {
            metrics.rateLimitDenied(policy.policyName);
        }
        return decision;
    }

    private Map<String, RateLimiter> limiters() {
        Map<String, RateLimiter> built = limiters;
        return built != null ? built : build();
    }

    /** Builds the limiters at first use (Redis and settings are ready by then). */
    private synchronized Map<String, RateLimiter> build() {
        if (limiters == null) {
            Map<String, RateLimiter> built = new LinkedHashMap<>();
            RateLimitListener redisLatency = new RateLimitListener() {
                @Override
                public void allowed(String policy, RateLimitDecision d, long nanos) {
                    if (d.source() == RateLimitDecision.Source.REDIS) {
                        metrics.redisCall(nanos);
                    }
                }

                @Override
                public void denied(String policy, RateLimitDecision d, long nanos) {
                    if (d.source() == RateLimitDecision.Source.REDIS) {
                        metrics.redisCall(nanos);
                    }
                }
            };
            RateLimiter.Builder builder = RateLimiter.builder()
                    .fallback(FallbackPolicy.local(settings.instances()))
                    .callTimeout(settings.redisCallTimeout())
                    .listener(redisLatency);
            redis.client().ifPresent(builder::redis);
            redis.availability().ifPresent(builder::availability);
            for (Policy p : Policy.values()) {
                // Only API calls come fast enough from one key to gain from a lease; sign-in and ingestion stay
                // exact permit by permit.
                builder.leases(p == Policy.API_USER ? settings.rateLimitApiLease() : RateLimiter.DEFAULT_MAX_LEASE,
                        RateLimiter.DEFAULT_LEASE_LIFE);
                built.put(p.policyName, builder.policy(RateLimitPolicy.of(p.policyName,
                        Limit.perMinute(p.perMinute.applyAsInt(settings)))).build());
            }
            limiters = built;
        }
        return limiters;
    }
}
