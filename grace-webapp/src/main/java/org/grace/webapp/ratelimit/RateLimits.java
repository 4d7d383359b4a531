package org.grace.webapp.ratelimit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;
import org.grace.core.ratelimit.FallbackPolicy;
import org.grace.core.ratelimit.Limit;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.core.ratelimit.RateLimitListener;
import org.grace.core.ratelimit.RateLimitPolicy;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.redis.RedisConnection;
import org.grace.webapp.redis.RedisGuard;
import org.grace.webapp.settings.GraceSettings;
import org.redisson.api.RedissonClient;

/**
 * The three limits of the issue, built from MicroProfile Config with grace-core-lib's limiter on the shared Redis:
 * sign-in attempts per client address and per account ({@code GRACE_RATELIMIT_LOGIN_PER_MINUTE}, 5), API calls per
 * user ({@code GRACE_RATELIMIT_API_PER_MINUTE}, 100). Exact across instances while Redis answers. When it does
 * not, each instance admits its share ({@code 1 / GRACE_INSTANCES}) of each limit in memory: the library does that
 * once it has noticed the outage, and {@link RedisGuard} does it while a Redis call is slow.
 */
@ApplicationScoped
public class RateLimits {
    public static final String LOGIN_IP = "login-ip";
    public static final String LOGIN_ACCOUNT = "login-account";
    public static final String API_USER = "api-user";

    @Inject
    GraceSettings settings;
    @Inject
    RedisConnection redis;
    @Inject
    RedisGuard guard;
    @Inject
    GraceMetrics metrics;

    private Pair loginIp;
    private Pair loginAccount;
    private Pair apiUser;

    /** A shared limiter and its in-memory twin with this instance's share, for when Redis is slow. */
    private record Pair(RateLimiter shared, RateLimiter local) {
    }

    public RateLimitDecision loginFromAddress(String address) {
        return acquire(built().loginIp, address);
    }

    public RateLimitDecision loginForAccount(String email) {
        return acquire(built().loginAccount, email.toLowerCase());
    }

    public RateLimitDecision apiCall(String userId) {
        return acquire(built().apiUser, userId);
    }

    /** The 429 for a denied decision, with its headers. */
    public static ApiException tooManyRequests(RateLimitDecision d) {
        return new ApiException(429, "too many requests; retry in " + d.retryAfterSeconds() + " s", Map.of(),
                Map.of("Retry-After", Long.toString(d.retryAfterSeconds()),
                        "RateLimit", d.rateLimitHeader(),
                        "RateLimit-Policy", "\"" + d.limitName() + "\";q=" + d.limit()));
    }

    private RateLimitDecision acquire(Pair pair, String key) {
        RateLimitDecision decision = pair.shared == pair.local ? pair.local.tryAcquire(key)
                : guard.call("ratelimit", () -> pair.shared.tryAcquireAsync(key), () -> pair.local.tryAcquire(key));
        if (!decision.allowed()) {
            metrics.rateLimitDenied(pair.shared.policy().name());
        }
        return decision;
    }

    /** Builds the limiters at first use (Redis and settings are ready by then); returns this. */
    private synchronized RateLimits built() {
        if (loginIp == null) {
            int instances = settings.instances();
            RateLimitListener listener = new RateLimitListener() {
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
            Optional<RedissonClient> client = redis.client();
            RateLimiter.Builder shared = RateLimiter.builder().fallback(FallbackPolicy.local(instances))
                    .listener(listener);
            client.ifPresent(shared::redis);
            redis.availability().ifPresent(shared::availability);
            RateLimiter.Builder local = RateLimiter.builder();
            loginIp = pair(shared, local, LOGIN_IP, settings.rateLimitLoginPerMinute(), instances, client.isPresent());
            loginAccount = pair(shared, local, LOGIN_ACCOUNT, settings.rateLimitLoginPerMinute(), instances,
                    client.isPresent());
            apiUser = pair(shared, local, API_USER, settings.rateLimitApiPerMinute(), instances, client.isPresent());
        }
        return this;
    }

    private static Pair pair(RateLimiter.Builder shared, RateLimiter.Builder local, String name, int perMinute,
                             int instances, boolean redis) {
        RateLimiter sharedLimiter = shared.policy(RateLimitPolicy.of(name, Limit.perMinute(perMinute))).build();
        if (!redis) {
            return new Pair(sharedLimiter, sharedLimiter);
        }
        long share = Math.max(1, perMinute / instances);
        return new Pair(sharedLimiter, local.policy(RateLimitPolicy.of(name, Limit.perMinute(share))).build());
    }
}
