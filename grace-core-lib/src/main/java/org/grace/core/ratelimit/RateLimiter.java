package org.grace.core.ratelimit;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.LongSupplier;
import org.grace.core.SettingChecks;
import org.grace.core.redis.RedisAvailability;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;

/**
 * Admits or denies requests per key under one {@link RateLimitPolicy}, exactly across every instance that shares
 * the Redis. Thread-safe; cheap to hold many of.
 *
 * <pre>{@code
 * RateLimiter.Builder limits = RateLimiter.builder().redis(redisson).fallback(FallbackPolicy.local(3))
 *         .callTimeout(Duration.ofMillis(50));
 * RateLimiter loginPerIp = limits.policy(RateLimitPolicy.of("login-ip", Limit.perMinute(10), Limit.perHour(100)))
 *         .build();
 * RateLimiter apiPerUser = limits.policy(RateLimitPolicy.of("api-user", Limit.perSecond(20))).build();
 *
 * RateLimitDecision d = loginPerIp.tryAcquire(request.getRemoteAddr());
 * if (!d.allowed()) { response.setHeader("Retry-After", Long.toString(d.retryAfterSeconds())); ... }
 * if (d.isFallback()) { ... }   // Redis was down or slower than the call timeout: decided by the fallback
 * }</pre>
 *
 * <p>One builder serves a whole application: set the Redis client and the shared settings once, then call
 * {@link Builder#policy} and {@link Builder#build()} per limiter. Limiters built by one builder share one
 * {@link RedisAvailability}, so a Redis outage is one pair of log lines (down, back) for all of them, and a limiter
 * costs a few small objects: the script is not loaded per limiter, its SHA-1 is a constant. Without
 * {@link Builder#redis} the limiter is in memory only: exact for one instance, not shared.
 *
 * <p>No call throws because Redis is down or slow: while it cannot be reached, and for a call it has not answered
 * within {@link Builder#callTimeout}, the limiter decides by its {@link FallbackPolicy} and says so in
 * {@link RateLimitDecision#isFallback()}. Bad input (a null, empty or over-long key, permits out of range) is an
 * {@link IllegalArgumentException}, thrown by the call itself, also by the asynchronous one.
 */
public interface RateLimiter {
    /** Longest key in UTF-8 bytes: keys are user input (IPs, account names); longer ones are abuse, not users. */
    int MAX_KEY_BYTES = 1024;
    /** Redis keys start with this, so rate-limit state is easy to find, size and flush apart from other data. */
    String DEFAULT_KEY_PREFIX = "grace:rl:";
    /**
     * Local share for three instances: the scaling guide's production starts at three; with more instances the
     * fallback admits up to {@code instances / 3} times the limit until Redis returns.
     */
    FallbackPolicy DEFAULT_FALLBACK = FallbackPolicy.local(3);
    /** Keys counted in memory per limiter; about 200 bytes each, so at most about 20 MB under a flood of new keys. */
    long DEFAULT_MAX_LOCAL_KEYS = 100_000;
    /**
     * Remember Redis's denials until their retry-after: exact (see {@code DenialMemory}), and a key under attack then
     * costs Redis one call per retry-after instead of one per request.
     */
    boolean DEFAULT_REMEMBER_DENIALS = true;
    /**
     * Script calls one limiter keeps on the wire at once; decisions asked for meanwhile wait and go together in the next
     * call. Two, so the client prepares one batch while Redis runs the other; more slots mean smaller batches and more
     * per-call cost, fewer (one) leave Redis idle while a reply travels back. Measured in
     * {@code grace-benchmarks/results/ratelimit.md}.
     */
    int DEFAULT_BATCHES_IN_FLIGHT = 2;
    /**
     * Decisions per script call at most: Redis runs a script alone, and 128 decisions take it 1-2 ms (about 33 000
     * instructions each), a pause other clients of the same Redis can live with.
     */
    int DEFAULT_MAX_BATCH = 128;
    /**
     * How long a blocking {@code tryAcquire} whose decision went to Redis alone spins (yielding its CPU) before it
     * parks: a few loopback or same-rack round trips (measured 40-100 µs on loopback). A parked thread's wake-up costs
     * a sizeable part of such a round trip; a Redis further away is not spun for, since spinning stops for a limiter
     * whose reply did not come within this time ({@code ReplyWait}).
     */
    Duration DEFAULT_SPIN_WAIT = Duration.ofMillis(1).dividedBy(4);
    /** Longest spin a builder takes: past this a parked thread's wake-up is a small part of the wait. */
    Duration MAX_SPIN_WAIT = Duration.ofMillis(1);
    /**
     * Leasing off: every decision is Redis's own, exact across instances at every instant. Turn it on (see
     * {@link Builder#leases}) for a hot limit whose round trip costs more than a permit's timing is worth.
     */
    int DEFAULT_MAX_LEASE = 1;
    /**
     * How long leased permits may be spent: a busy key goes to Redis a few times a second, and the policy's interval
     * stretches by one second at most, a small part of the per-minute limits leasing is meant for.
     */
    Duration DEFAULT_LEASE_LIFE = Duration.ofSeconds(1);
    /** Longest lease life a builder takes: longer, and the stretch becomes a limit of its own. */
    Duration MAX_LEASE_LIFE = Duration.ofMinutes(1);
    /** Longest call timeout a builder takes: a caller that can wait a minute has no need of a deadline. */
    Duration MAX_CALL_TIMEOUT = Duration.ofMinutes(1);

    /** Takes one permit for {@code key} if every limit admits it. */
    default RateLimitDecision tryAcquire(String key) {
        return tryAcquire(key, 1);
    }

    /**
     * Takes {@code permits} for {@code key} if every limit admits them all; takes nothing otherwise. Blocks for the
     * round trip to Redis, at most the call timeout; on one of Redisson's own I/O threads (inside a Redisson
     * callback), where it could wait for itself, it throws {@link IllegalStateException} instead: use
     * {@link #tryAcquireAsync} there.
     */
    RateLimitDecision tryAcquire(String key, long permits);

    /** {@link #tryAcquire(String)} without blocking the caller; never completes exceptionally. */
    default CompletionStage<RateLimitDecision> tryAcquireAsync(String key) {
        return tryAcquireAsync(key, 1);
    }

    /** {@link #tryAcquire(String, long)} without blocking the caller; never completes exceptionally. */
    CompletionStage<RateLimitDecision> tryAcquireAsync(String key, long permits);

    /** The policy this limiter enforces. */
    RateLimitPolicy policy();

    static Builder builder() {
        return new Builder();
    }

    /** Validating builder; reusable: each {@link #build()} takes a snapshot of the current settings. */
    final class Builder {
        private RedissonClient redisson;
        private RateLimitPolicy policy;
        private FallbackPolicy fallback = DEFAULT_FALLBACK;
        private RateLimitListener listener = RateLimitListener.NONE;
        private Clock clock = Clock.systemUTC();
        private LongSupplier nanoTicker = System::nanoTime;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private long maxLocalKeys = DEFAULT_MAX_LOCAL_KEYS;
        private boolean rememberDenials = DEFAULT_REMEMBER_DENIALS;
        private int batchesInFlight = DEFAULT_BATCHES_IN_FLIGHT;
        private int maxBatch = DEFAULT_MAX_BATCH;
        private Duration spinWait = DEFAULT_SPIN_WAIT;
        private int maxLease = DEFAULT_MAX_LEASE;
        private Duration leaseLife = DEFAULT_LEASE_LIFE;
        /** Null: no deadline of the limiter's own (the client's timeout decides), so decisions stay exact. */
        private Duration callTimeout;
        private RedisAvailability availability;
        private boolean availabilityGiven;
        private RScript script;

        private Builder() {
        }

        /** Shares state through this Redis; any codec (the script call uses its own string codec). */
        public Builder redis(RedissonClient client) {
            SettingChecks.given(client, "redis client");
            if (redisson != null && redisson != client && !availabilityGiven) {
                // Another Redis is another outage: do not share the tracker of the previous client.
                availability = null;
            }
            this.redisson = client;
            this.script = client.getScript(StringCodec.INSTANCE);
            return this;
        }

        /** The policy of the next limiter built. */
        public Builder policy(RateLimitPolicy value) {
            this.policy = SettingChecks.given(value, "policy");
            return this;
        }

        /** What to decide while Redis is unreachable; {@link #DEFAULT_FALLBACK} unless set. */
        public Builder fallback(FallbackPolicy value) {
            this.fallback = SettingChecks.given(value, "fallback policy");
            return this;
        }

        /** Hears decisions and fallback switches (metrics). */
        public Builder listener(RateLimitListener value) {
            this.listener = SettingChecks.given(value, "listener");
            return this;
        }

        /**
         * The clock of the in-memory limiter and of the Redis probe interval. Decisions on Redis never read it:
         * they use Redis's {@code TIME}.
         */
        public Builder clock(Clock value) {
            this.clock = SettingChecks.given(value, "clock");
            return this;
        }

        /** Source of nanoseconds for the decision latency the listener hears; {@code System::nanoTime} by default. */
        public Builder nanoTicker(LongSupplier value) {
            this.nanoTicker = SettingChecks.given(value, "nano ticker");
            return this;
        }

        /** Prefix of every Redis key; the full key is {@code prefix + policyName + ":" + key}. */
        public Builder keyPrefix(String value) {
            if (value == null || value.isEmpty() || value.length() > 64) {
                throw new IllegalArgumentException("key prefix must be 1-64 characters, got "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            this.keyPrefix = value;
            return this;
        }

        /** Bound of the in-memory key map per limiter; {@link #DEFAULT_MAX_LOCAL_KEYS} unless set. */
        public Builder maxLocalKeys(long value) {
            this.maxLocalKeys = SettingChecks.atLeast(value, 1, "max local keys");
            return this;
        }

        /**
         * Whether a key that Redis denied is denied in this instance until its retry-after without asking Redis again,
         * and a key that an admission left without a permit until its next permit comes; requests arriving while a
         * call for such a key is on the wire wait for that call rather than send their own. Exact: permits come back
         * only with time. {@link #DEFAULT_REMEMBER_DENIALS} unless set. Turn it off only if something other than time
         * can give permits back (e.g. an operator deleting keys in Redis) and that must take effect at once.
         */
        public Builder rememberDenials(boolean value) {
            this.rememberDenials = value;
            return this;
        }

        /**
         * How decisions share script calls: at most {@code inFlight} calls per limiter on the wire, each deciding up
         * to {@code maxBatch} keys; {@link #DEFAULT_BATCHES_IN_FLIGHT} and {@link #DEFAULT_MAX_BATCH} unless set.
         * {@code batching(Integer.MAX_VALUE, 1)} sends every decision in a call of its own.
         */
        public Builder batching(int inFlight, int maxBatch) {
            this.batchesInFlight = SettingChecks.between(inFlight, 1, Integer.MAX_VALUE, "script calls in flight");
            this.maxBatch = SettingChecks.between(maxBatch, 1, 1000, "decisions per script call");
            return this;
        }

        /**
         * How long a blocking {@code tryAcquire} that went to Redis alone spins before it parks;
         * {@link #DEFAULT_SPIN_WAIT} unless set, {@link Duration#ZERO} to always park at once. At most one spinning
         * thread per spare CPU in the JVM; never on a single CPU.
         */
        public Builder spinWait(Duration value) {
            SettingChecks.given(value, "spin wait");
            if (value.isNegative() || value.compareTo(MAX_SPIN_WAIT) > 0) {
                throw new IllegalArgumentException("spin wait must be between 0 and " + MAX_SPIN_WAIT.toNanos() / 1000
                        + " µs, got " + value);
            }
            this.spinWait = value;
            return this;
        }

        /**
         * Lets a busy key take up to {@code maxPermits} permits from Redis in one decision and spend them in this
         * instance for up to {@code life}, without a round trip each; {@link #DEFAULT_MAX_LEASE} (off) and
         * {@link #DEFAULT_LEASE_LIFE} unless set. Applies to requests for one permit while Redis answers; a lease is
         * sized on the key's pace here (a key asked for about once a second or less never leases) and is never more
         * than {@code maxPermits}. What exactness becomes:
         * <ul>
         *   <li>never more than the limit in total: a lease is Redis's own decision, taken from the shared state at
         *       once; admissions in any interval {@code T} stay within what the policy allows in {@code T + life},
         *       since a leased permit may be spent up to {@code life} after Redis counted it;</li>
         *   <li>denials may come early: while instances hold unspent permits, another may be refused, by at most
         *       {@code maxPermits - 1} permits per other instance; unspent permits lapse with their lease rather
         *       than return (a permit given back after its bucket refilled would count twice). Once Redis denies a
         *       lease, that key goes permit by permit, exactly, for a life.</li>
         * </ul>
         * Leased decisions say {@link RateLimitDecision.Source#LEASED}.
         */
        public Builder leases(int maxPermits, Duration life) {
            int permits = SettingChecks.between(maxPermits, 1, 1000, "permits per lease");
            this.leaseLife = SettingChecks.positiveAtMost(life, MAX_LEASE_LIFE, "lease life");
            this.maxLease = permits;
            return this;
        }

        /**
         * How long a decision waits for Redis; unset, it waits as long as the client does (exactness first: a
         * decision past the deadline is the fallback's, not Redis's), so set it on request paths (the web
         * application: 50 ms). A decision Redis has not
         * answered by then is decided by the {@link #fallback} ({@link RateLimitDecision#isFallback()} says so, and
         * {@link RateLimitListener#callTimedOut} hears it); the late reply still counts on Redis, as a request that
         * arrived, and its denial is remembered. {@link RedisAvailability#TIMEOUTS_FOR_OUTAGE} misses in a row, with
         * no timely reply between, count as a failure of Redis: the limiter then decides by its fallback at once
         * until a probe (one call per probe interval) is answered, so callers wait out the deadline a few times per
         * outage, and a single miss on a busy CPU switches nothing.
         */
        public Builder callTimeout(Duration value) {
            this.callTimeout = SettingChecks.positiveAtMost(value, MAX_CALL_TIMEOUT, "call timeout");
            return this;
        }

        /**
         * The availability tracker to share, e.g. with other Grace features on the same Redis; by default the builder
         * creates one at the first {@link #build()} and shares it between the limiters it builds.
         */
        public Builder availability(RedisAvailability value) {
            this.availability = SettingChecks.given(value, "availability");
            this.availabilityGiven = true;
            return this;
        }

        public RateLimiter build() {
            if (policy == null) {
                throw new IllegalArgumentException("a rate limiter needs a policy: call policy(...) before build()");
            }
            if (redisson == null) {
                return new LocalRateLimiter(policy, clock, maxLocalKeys, RateLimitDecision.Source.MEMORY, listener,
                        nanoTicker);
            }
            if (availability == null) {
                availability = new RedisAvailability("ratelimit", clock, RedisAvailability.DEFAULT_PROBE_INTERVAL);
            }
            LocalRateLimiter local = fallback.mode() == FallbackPolicy.Mode.LOCAL
                    ? new LocalRateLimiter(policy.scaled(fallback.share()), clock, maxLocalKeys,
                    RateLimitDecision.Source.LOCAL, RateLimitListener.NONE, nanoTicker)
                    : null;
            // The keys of a batch may live in different Redis Cluster slots, which one script call cannot touch.
            int batchSize = redisson.getConfig().isClusterConfig() ? 1 : maxBatch;
            return new RedisRateLimiter(policy, script, keyPrefix, availability, fallback, local, listener,
                    nanoTicker, rememberDenials ? new DenialMemory(maxLocalKeys, nanoTicker) : null,
                    maxLease > 1 ? new Leases(maxLease, leaseLife, maxLocalKeys) : null, batchesInFlight, batchSize,
                    new ReplyWait(spinWait.toNanos()), callTimeout);
        }
    }
}
