package org.grace.core.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.grace.core.InstanceId;
import org.grace.core.SettingChecks;
import org.grace.core.redis.RedisAvailability;
import org.grace.core.redis.RedisFeatureBuilder;

/**
 * A two-level cache shared by all instances of an application: level 1 in this process (Caffeine, short TTL,
 * bounded size), level 2 in Redis (native key expiry), kept coherent by invalidation messages over Redis pub/sub.
 *
 * <pre>{@code
 * GraceCache cache = GraceCache.builder().redis(redisson).build();
 * Resident r = cache.getOrLoad("resident:42", Resident.class, Duration.ofMinutes(5), () -> db.loadResident(42));
 * cache.put("resident:42", updated, GraceCache.DEFAULT_TTL, Set.of("resident:42"));
 * cache.invalidateTag("resident:42");   // everything about resident 42, on every instance
 * }</pre>
 *
 * <h2>Staleness bound</h2>
 * Every {@code put}, {@code delete} and {@code invalidateTag} publishes a key-only invalidation, tagged with this
 * instance's id, in the same Redis round trip as the write; the other instances drop their level-1 copy when it
 * arrives. So:
 * <ul>
 *   <li>with pub/sub working, another instance serves the old value for at most the propagation delay (about a
 *       millisecond on a LAN; the multi-process test measures the p99 under 100 ms);</li>
 *   <li>with messages lost (pub/sub connection dropped, Redis restarted, Redis unreachable), for at most the level-1
 *       TTL ({@link #DEFAULT_LOCAL_TTL}) counted from the start of the read or load that fetched the value: a
 *       level-1 entry lives {@code localTtl - 5 ms} (at most a tenth of it) from its insert, and one whose fill took
 *       longer carries a deadline of the fill's start plus {@code localTtl}; and level 1 is cleared when Redis becomes
 *       unreachable, when it becomes reachable again and each time the invalidation topic is (re)subscribed, which
 *       covers the window in which messages could have been lost.</li>
 * </ul>
 * Level 1 holds the decoded object and hands out the same instance to every caller: cache immutable values
 * (records, immutable collections).
 *
 * <h2>Redis unavailable</h2>
 * No cache method throws because of Redis. While Redis is unreachable, reads are served from level 1 and
 * {@link #getOrLoad} loads through its loader; writes go to level 1 only and the keys are remembered, so that when
 * Redis returns they are deleted there and announced to the other instances (a Redis that kept its data must not
 * serve what this instance overwrote meanwhile). One log line per transition; back on Redis automatically.
 *
 * <h2>Redis slow</h2>
 * With a call timeout set ({@link Builder#callTimeout}; none by default, so the client's timeout decides), a call
 * waits for Redis at most that long, then is answered without it: a read from level 1 or as a miss (so {@code getOrLoad} runs its loader), a write to level
 * 1. {@link CacheListener#onCallTimeout} hears each such answer and {@link CacheStats#callTimeouts()} counts them; a
 * Redis known to be down is not asked at all ({@link CacheStats#onRedis()}, {@link CacheListener#onFallback}).
 * {@link RedisAvailability#TIMEOUTS_FOR_OUTAGE} missed deadlines in a row count as Redis down: the calls after them
 * do not wait, until the probe gets an answer; a single miss on a busy CPU switches nothing. A write that timed out
 * is remembered like an outage's, and deleted in Redis when it is back.
 *
 * <p>Exceptions that do reach the caller: {@link IllegalArgumentException} for bad input (null or blank key,
 * non-positive TTL, a value the codec cannot write, naming its type), and whatever a loader throws.
 */
public interface GraceCache extends AutoCloseable {
    /** The scaling guide's Redis cache TTL: five minutes. */
    Duration DEFAULT_TTL = Duration.ofSeconds(300);
    /**
     * Level-1 lifetime, which is also the staleness bound when invalidations are lost: five seconds keeps a lost
     * message from mattering for long, while a hot key still gets thousands of local hits per Redis read.
     */
    Duration DEFAULT_LOCAL_TTL = Duration.ofSeconds(5);
    /** Level-1 entries per instance: a few MB of small JSON-sized objects, within a 256 MB heap. */
    int DEFAULT_LOCAL_MAX_SIZE = 10_000;
    /** Prefix of every Redis key and channel, so several applications can share one Redis. */
    String DEFAULT_NAMESPACE = "grace";
    /** Longest key accepted: Redis allows 512 MB, but a key over 1 KB is a bug (a value used as a key). */
    int MAX_KEY_LENGTH = 1024;
    /** Longest call timeout a builder takes: a caller that can wait a minute has no need of a deadline. */
    Duration MAX_CALL_TIMEOUT = Duration.ofMinutes(1);

    /** The value for {@code key} as {@code type}, from level 1, else level 2; empty on a miss. */
    <T> Optional<T> get(String key, Class<T> type);

    /** {@link #get(String, Class)} for generic types, e.g. {@code new TypeReference<List<Visit>>() {}}. */
    <T> Optional<T> get(String key, TypeReference<T> type);

    /** Stores {@code value} for {@link #DEFAULT_TTL}. */
    default void put(String key, Object value) {
        put(key, value, DEFAULT_TTL, Set.of());
    }

    /** Stores {@code value} for {@code ttl} and invalidates the key on every other instance. */
    default void put(String key, Object value, Duration ttl) {
        put(key, value, ttl, Set.of());
    }

    /**
     * Stores {@code value} for {@code ttl}, under each of {@code tags} so {@link #invalidateTag} can drop it with
     * the rest of its group, and invalidates the key on every other instance.
     */
    void put(String key, Object value, Duration ttl, Set<String> tags);

    /** Removes {@code key} from both levels here and from level 1 on every other instance. */
    void delete(String key);

    /**
     * The cached value, or the loader's, which is then cached for {@code ttl}. Concurrent calls for one key in this
     * instance share one load. A loader returning null caches nothing and returns null; a loader's exception
     * reaches every caller waiting on that load and caches nothing. The loader must not call back into this cache
     * for the same key.
     */
    <T> T getOrLoad(String key, Class<T> type, Duration ttl, Supplier<? extends T> loader);

    /** {@link #getOrLoad(String, Class, Duration, Supplier)} for generic types. */
    <T> T getOrLoad(String key, TypeReference<T> type, Duration ttl, Supplier<? extends T> loader);

    /** Removes every key put with {@code tag}, from Redis and from level 1 on every instance. */
    void invalidateTag(String tag);

    /** Counters since start, for health pages and tests; {@link CacheListener} is the per-event hook. */
    CacheStats stats();

    /** This instance's id, the sender tag on its invalidations. */
    InstanceId instanceId();

    /** Unsubscribes from Redis and stops the background probe; the Redisson client stays open (it is shared). */
    @Override
    void close();

    static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a {@link GraceCache}; every setter validates its argument. The Redis settings are
     * {@link RedisFeatureBuilder}'s: the namespace prefixes the keys ({@code ns:c:key}, {@code ns:t:tag}) and the
     * invalidation channel, the instance id tags the invalidations.
     */
    final class Builder extends RedisFeatureBuilder<Builder> {
        Ticker ticker = Ticker.systemTicker();
        Duration localTtl = DEFAULT_LOCAL_TTL;
        int localMaxSize = DEFAULT_LOCAL_MAX_SIZE;
        CacheCodec codec;
        CacheListener listener = CacheListener.NONE;
        /** Null: no deadline of the cache's own (the client's timeout decides). */
        Duration callTimeout;

        Builder() {
            super(DEFAULT_NAMESPACE);
        }

        /** Nanosecond source for level-1 expiry and load timing. */
        public Builder ticker(Ticker ticker) {
            this.ticker = SettingChecks.given(ticker, "ticker");
            return this;
        }

        /** Level-1 lifetime, also the staleness bound when invalidations are lost. */
        public Builder localTtl(Duration localTtl) {
            this.localTtl = SettingChecks.positive(localTtl, "local TTL");
            return this;
        }

        /** Level-1 capacity in entries; 0 turns level 1 off (every read goes to Redis). */
        public Builder localMaxSize(int localMaxSize) {
            this.localMaxSize = SettingChecks.atLeast(localMaxSize, 0, "local max size");
            return this;
        }

        /** How values become bytes in Redis; defaults to {@link CacheCodec#jackson()}. */
        public Builder codec(CacheCodec codec) {
            this.codec = SettingChecks.given(codec, "codec");
            return this;
        }

        /** Metrics hook; called on the caller's thread (or the pub/sub thread), so keep it cheap. */
        public Builder listener(CacheListener listener) {
            this.listener = SettingChecks.given(listener, "listener");
            return this;
        }

        /**
         * How long a call waits for Redis before it is answered without it (see "Redis slow" above); unset, as long as
         * the client does. At most {@link #MAX_CALL_TIMEOUT}; set it on request paths (the web application: 50 ms).
         */
        public Builder callTimeout(Duration callTimeout) {
            this.callTimeout = SettingChecks.positiveAtMost(callTimeout, MAX_CALL_TIMEOUT, "call timeout");
            return this;
        }

        /**
         * Builds the cache and subscribes it to the invalidation channel, waiting for the subscription. With Redis
         * down that wait is the client's connect timeout and retry (1.1-2.4 s measured with {@code RedisClients}'
         * defaults); the cache then starts on its in-memory fallback and keeps trying to subscribe every second.
         */
        public GraceCache build() {
            return new TwoLevelCache(this, redisSettings());
        }
    }
}
