package org.grace.core.cache;

import static org.grace.core.cache.CacheArguments.checkKey;
import static org.grace.core.cache.CacheArguments.checkName;
import static org.grace.core.cache.CacheArguments.checkTtl;
import static org.grace.core.cache.CacheArguments.rawClass;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.System.Logger.Level;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.grace.core.InstanceId;
import org.grace.core.cache.LevelTwo.NoAnswer;
import org.grace.core.redis.ChannelSubscription;
import org.grace.core.redis.FeatureBackground;
import org.grace.core.redis.RedisAvailability;
import org.grace.core.redis.RedisClients;
import org.grace.core.redis.RedisFeatureSettings;
import org.grace.core.redis.RedisProbe;

/**
 * {@link GraceCache} over Caffeine and Redisson: the order of the steps of each call, and what happens when Redis
 * fails or is slow. The parts, each with its own job: {@link LevelOne} (the local values and the fill tokens that keep
 * reads racing with invalidations out of it), {@link LevelTwo} (the Redis commands, Lua scripts and the call
 * timeout), a {@link ChannelSubscription} to the invalidation channel, {@link PendingWrites} (writes made during an
 * outage, replayed when Redis returns), {@link CacheCounters} and {@link CacheArguments} (validation).
 *
 * <p>A read that fills level 1 takes a token before going to Redis and inserts only if no invalidation intervened
 * ({@link FillTokens}): a stale read still returns to its caller (it was current when read) but is not cached.
 *
 * <p>A call Redis does not answer within the call timeout (when one is set) is answered as if Redis were down (a read
 * is a miss, a write goes to level 1 and is remembered for replay); a few such misses in a row count as a failure,
 * and the cache is then on its fallback until the probe gets an answer.
 */
final class TwoLevelCache implements GraceCache {
    private static final System.Logger LOG = System.getLogger(GraceCache.class.getName());

    private final InstanceId instanceId;
    private final CacheCodec codec;
    private final RedisAvailability availability;
    private final LevelOne levelOne;
    private final LevelTwo levelTwo;
    private final PendingWrites pending;
    private final CacheCounters counters;
    private final SharedLoads loads = new SharedLoads();
    private final Cache<String, Boolean> undecodableLogged;
    private final FeatureBackground background;
    private final ChannelSubscription invalidations;
    /** Test seam: runs between a GET's reply and the level-1 insert, to replay the race with an invalidation. */
    volatile Runnable afterRedisRead;

    TwoLevelCache(GraceCache.Builder b, RedisFeatureSettings redis) {
        this.instanceId = CacheArguments.checkInstanceId(redis.instanceId());
        this.codec = b.codec != null ? b.codec : CacheCodec.jackson();
        this.counters = new CacheCounters(b.listener);
        this.availability = redis.availability("cache");
        this.levelOne = new LevelOne(b.localMaxSize, b.localTtl, b.ticker);
        this.levelTwo = new LevelTwo(redis.redis(), redis.namespace(), instanceId.value(), b.callTimeout, availability);
        this.pending = new PendingWrites(levelTwo, availability, counters);
        this.undecodableLogged = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofHours(1))
                .build();
        this.background = new FeatureBackground("grace-cache-" + redis.namespace());
        availability.onTransition(this::onTransition);
        // A key outside the value space (ns:probe, not ns:c:...), so the probe never touches a cached key.
        RedisProbe.schedule(background.executor(), redis.redis(), redis.namespace() + ":probe", availability, redis.probeInterval(),
                b.callTimeout != null ? b.callTimeout : RedisClients.DEFAULT_COMMAND_TIMEOUT);
        // Every (re)subscription but the one made here may follow lost messages: nothing in level 1 can be trusted.
        this.invalidations = new ChannelSubscription("cache", redis.redis(), levelTwo.channel(), availability, background.executor(),
                this::onMessage, () -> clearLocal("resubscribed"));
        invalidations.open();
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(String key, Class<T> type) {
        // The hot path, kept small so the JIT inlines it: a level-1 hit on the type it was stored as. Only valid
        // keys ever enter level 1, so the full key check can wait for the slow path; a hit allocates nothing.
        if (key != null) {
            LocalEntry entry = levelOne.hit(key, type);
            if (entry != null) {
                counters.localHit(key);
                return (Optional<T>) entry.present;
            }
        }
        checkKey(key);
        Objects.requireNonNull(type, "type must not be null");
        return Optional.ofNullable(type.cast(read(key, type, type)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(String key, TypeReference<T> type) {
        checkKey(key);
        Objects.requireNonNull(type, "type must not be null");
        return Optional.ofNullable((T) read(key, type.getType(), rawClass(type.getType())));
    }

    private Object read(String key, Type type, Class<?> raw) {
        Object value = fromLocal(key, type, raw);
        if (value != null) {
            counters.localHit(key);
            return value;
        }
        LocalEntry entry = fromRedis(key, type);
        if (entry != null) {
            counters.redisHit(key);
            return entry.value;
        }
        counters.miss(key);
        return null;
    }

    @Override
    public <T> T getOrLoad(String key, Class<T> type, Duration ttl, Supplier<? extends T> loader) {
        checkTtl(ttl);
        if (key != null && loader != null) {
            LocalEntry entry = levelOne.hit(key, type);
            if (entry != null) {
                counters.localHit(key);
                return type.cast(entry.value);
            }
        }
        checkKey(key);
        Objects.requireNonNull(type, "type must not be null");
        return type.cast(readOrLoad(key, type, type, ttl, loader));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOrLoad(String key, TypeReference<T> type, Duration ttl, Supplier<? extends T> loader) {
        checkKey(key);
        Objects.requireNonNull(type, "type must not be null");
        return (T) readOrLoad(key, type.getType(), rawClass(type.getType()), checkTtl(ttl), loader);
    }

    private Object readOrLoad(String key, Type type, Class<?> raw, Duration ttl, Supplier<?> loader) {
        Objects.requireNonNull(loader, "loader must not be null");
        Object value = fromLocal(key, type, raw);
        if (value != null) {
            counters.localHit(key);
            return value;
        }
        return loads.share(key, () -> loadShared(key, type, ttl, loader), mine -> mine == null ? null : mine.value,
                theirs -> theirs == null ? null : convert(key, theirs, type, raw));
    }

    private LocalEntry loadShared(String key, Type type, Duration ttl, Supplier<?> loader) {
        LocalEntry fromRedis = fromRedis(key, type);
        if (fromRedis != null) {
            counters.redisHit(key);
            return fromRedis;
        }
        counters.miss(key);
        long token = levelOne.token(key);
        long start = levelOne.now();
        Object value;
        try {
            value = loader.get();
        } catch (RuntimeException | Error e) {
            counters.load(key, levelOne.now() - start, true);
            throw e;
        }
        counters.load(key, levelOne.now() - start, false);
        if (value == null) {
            return null;
        }
        byte[] bytes = CacheArguments.encode(codec, key, value);
        LocalEntry entry = new LocalEntry(value, bytes, type, Set.of(), levelOne.fillDeadline(start,
                levelOne.expiresAt(ttl)));
        boolean ours = true;
        if (availability.isAvailable()) {
            try {
                // A put that landed while we loaded is newer than what we loaded; keep it, and keep ours out of L1.
                ours = levelTwo.await(levelTwo.setIfAbsent(key, bytes, ttl));
            } catch (NoAnswer e) {
                counters.noAnswer(e, "load", key);
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
        if (ours) {
            levelOne.putIfUnchanged(key, entry, token);
        }
        return entry;
    }

    /** The level-1 value as {@code type}, or null. */
    private Object fromLocal(String key, Type type, Class<?> raw) {
        LocalEntry entry = levelOne.live(key);
        return entry == null ? null : convert(key, entry, type, raw);
    }

    /** {@code entry}'s value as {@code type}: the cached object when it fits, else its bytes decoded again. */
    private Object convert(String key, LocalEntry entry, Type type, Class<?> raw) {
        if (type.equals(entry.type) || (type instanceof Class<?> && raw.isInstance(entry.value))) {
            return entry.value;
        }
        try {
            // Not stored back: replacing the entry would restart its level-1 lifetime and stretch the staleness bound.
            return codec.decode(entry.bytes, type);
        } catch (RuntimeException e) {
            undecodable(key, type, e);
            return null;
        }
    }

    /** GET from Redis, decoded and (if no invalidation intervened) kept in level 1; null on miss or failure. */
    private LocalEntry fromRedis(String key, Type type) {
        if (!availability.isAvailable() || pending.hasKey(key)) {
            // A pending key was written here while Redis was down: what Redis holds is older than that.
            return null;
        }
        long token = levelOne.token(key);
        long start = levelOne.now();
        byte[] bytes;
        try {
            bytes = levelTwo.await(levelTwo.get(key));
        } catch (NoAnswer e) {
            counters.noAnswer(e, "get", key);
            return null;
        } catch (RuntimeException e) {
            redisFailed(e);
            return null;
        }
        if (bytes == null) {
            return null;
        }
        Runnable hook = afterRedisRead;
        if (hook != null) {
            hook.run();
        }
        Object value;
        try {
            value = codec.decode(bytes, type);
        } catch (RuntimeException e) {
            undecodable(key, type, e);
            return null;
        }
        LocalEntry entry = new LocalEntry(value, bytes, type, Set.of(), levelOne.fillDeadline(start, 0));
        levelOne.putIfUnchanged(key, entry, token);
        return entry;
    }

    // --------------------------------------------------------------------------------------------- writes

    @Override
    public void put(String key, Object value, Duration ttl, Set<String> tags) {
        checkKey(key);
        checkTtl(ttl);
        Objects.requireNonNull(tags, "tags must not be null (use Set.of())");
        tags.forEach(t -> checkName(t, "tag"));
        if (value == null) {
            throw new IllegalArgumentException("value for key '" + key + "' is null; use delete(key) to remove it");
        }
        byte[] bytes = CacheArguments.encode(codec, key, value);
        pending.write("put", key, () -> levelTwo.put(key, bytes, ttl, tags));
        levelOne.replace(key, new LocalEntry(value, bytes, value.getClass(), Set.copyOf(tags),
                levelOne.expiresAt(ttl)));
    }

    @Override
    public void delete(String key) {
        checkKey(key);
        pending.write("delete", key, () -> levelTwo.delete(key));
        levelOne.invalidate(key);
    }

    @Override
    public void invalidateTag(String tag) {
        checkName(tag, "tag");
        // Entries of the tag read from Redis carry no tags here: a late script's keys are dropped when it answers.
        levelOne.dropTag(tag, pending.invalidateTag(tag, late -> levelOne.dropTag(tag, late)));
    }

    // ---------------------------------------------------------------------------- invalidations and Redis

    void onMessage(String message) {
        CacheInvalidation inv = CacheInvalidation.parse(message);
        if (inv == null || inv.sender().equals(instanceId.value())) {
            return;
        }
        if (inv.tag() != null) {
            levelOne.dropTag(inv.tag(), inv.keys());
        } else {
            inv.keys().forEach(levelOne::invalidate);
        }
        counters.invalidationReceived(inv.keys().size());
    }

    /** Whether this cache hears invalidations now (false until a failed subscription has been retried). */
    boolean isSubscribed() {
        return invalidations.isSubscribed();
    }

    private void clearLocal(String reason) {
        levelOne.clear();
        counters.cleared(reason);
    }

    private void redisFailed(Throwable e) {
        availability.recordFailure(e);
    }

    private void onTransition(boolean onRedis) {
        if (background.isShutDown()) {
            return;
        }
        clearLocal(onRedis ? "redis-back" : "redis-down");
        counters.fallback(onRedis);
        if (onRedis) {
            background.executor().execute(pending::replay);
        }
    }

    private void undecodable(String key, Type type, RuntimeException e) {
        if (undecodableLogged.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            LOG.log(Level.WARNING, "grace cache: value for key ''{0}'' does not decode as {1} ({2}); "
                    + "treated as a miss and deleted", key, type.getTypeName(), RedisAvailability.describe(e));
        }
        levelOne.invalidate(key);
        if (availability.isAvailable()) {
            try {
                levelTwo.await(levelTwo.deleteQuietly(key));
            } catch (NoAnswer timedOut) {
                counters.noAnswer(timedOut, "delete", key);
            } catch (RuntimeException ex) {
                redisFailed(ex);
            }
        }
        counters.undecodable(key);
    }

    @Override
    public CacheStats stats() {
        return counters.stats(availability.isAvailable());
    }

    @Override
    public InstanceId instanceId() {
        return instanceId;
    }

    @Override
    public void close() {
        if (background.shutDown()) {
            invalidations.close();
        }
    }

    @Override
    public String toString() {
        return "GraceCache[" + levelTwo.keyPrefix() + "*, instance " + instanceId + ", " + stats() + "]";
    }
}
