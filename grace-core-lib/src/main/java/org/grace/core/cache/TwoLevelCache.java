package org.grace.core.cache;

import com.fasterxml.jackson.core.type.TypeReference;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.System.Logger.Level;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.grace.core.InstanceId;
import org.grace.core.redis.RedisAvailability;
import org.redisson.api.RBucket;
import org.redisson.api.RScript;
import org.redisson.api.RTopic;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.StatusListener;
import org.redisson.client.codec.ByteArrayCodec;
import org.redisson.client.codec.StringCodec;

/**
 * {@link GraceCache} over Caffeine and Redisson.
 *
 * <p>Writes run one Lua script per call: SET with PX (plus SADD into each tag set) and PUBLISH of the invalidation,
 * so the value and its announcement reach Redis in one round trip and in that order. Reads go to level 1, then to a
 * plain GET.
 *
 * <p>Level 1 is a Caffeine cache with {@code expireAfterWrite(localTtl)}, the cheapest read path Caffeine has (its
 * per-entry variable expiry costs several times more per hit); the rare entry whose own TTL is shorter than level 1's
 * carries its deadline and is checked on read. A level-1 hit on the stored type is a lookup, two field reads and a
 * counter increment, and allocates nothing: the Optional it returns is made when the entry is.
 *
 * <p>A read that fills level 1 from Redis (or from a loader) races with invalidations: it may have read the old
 * value just before the writer's SET and insert it just after the writer's message dropped the key. To close that
 * window each read takes a token (a global epoch bumped by every clear, plus one of 1024 per-key-hash counters bumped
 * by every invalidation of a key in that stripe) before going to Redis, and inserts into level 1 only if the token is
 * unchanged, checked inside Caffeine's per-key {@code compute} so a concurrent invalidation cannot slip between the
 * check and the insert. A stale read still returns to its caller (it was current when read) but is not cached.
 */
final class TwoLevelCache implements GraceCache {
    private static final System.Logger LOG = System.getLogger(GraceCache.class.getName());
    /** Keys written while Redis was down, remembered to be deleted there on return; beyond this, we only warn. */
    static final int PENDING_LIMIT = 10_000;
    private static final int STRIPES = 1024;
    /**
     * Level 1 keeps an entry {@code localTtl - FILL_ALLOWANCE} after it was stored; a read or load that took longer
     * than the allowance gives its entry an explicit deadline of its start plus {@code localTtl}. Either way an entry
     * dies no later than {@code localTtl} after the read that fetched it began, and the common fast fill keeps the
     * allocation-free, clock-free hit path.
     */
    static final long FILL_ALLOWANCE_NANOS = Duration.ofMillis(5).toNanos();

    private static final String PUT_SCRIPT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            local ttl = tonumber(ARGV[2])
            for i = 2, #KEYS do
              redis.call('SADD', KEYS[i], KEYS[1])
              if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
            end
            return redis.call('PUBLISH', ARGV[3], ARGV[4])""";
    private static final String DELETE_SCRIPT = """
            redis.call('DEL', KEYS[1])
            return redis.call('PUBLISH', ARGV[1], ARGV[2])""";
    /** KEYS[1] the tag set; ARGV: channel, message header, length of the value-key prefix to strip. */
    private static final String TAG_SCRIPT = """
            local members = redis.call('SMEMBERS', KEYS[1])
            local strip = tonumber(ARGV[3])
            local keys = {}
            for i = 1, #members do
              redis.call('DEL', members[i])
              keys[i] = string.sub(members[i], strip + 1)
            end
            redis.call('DEL', KEYS[1])
            local message = ARGV[2]
            if #keys > 0 then message = message .. '\\n' .. table.concat(keys, '\\n') end
            redis.call('PUBLISH', ARGV[1], message)
            return keys""";

    private final RedissonClient redis;
    private final InstanceId instanceId;
    private final Ticker ticker;
    private final long localTtlNanos;
    private final String keyPrefix;
    private final String tagPrefix;
    private final String probeKey;
    private final String channel;
    private final byte[] channelBytes;
    private final CacheCodec codec;
    private final CacheListener listener;
    private final RedisAvailability availability;
    private final Cache<String, LocalEntry> local;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLongArray stripes = new AtomicLongArray(STRIPES);
    private final ConcurrentHashMap<String, CompletableFuture<LocalEntry>> inFlight = new ConcurrentHashMap<>();
    private final Set<String> pendingKeys = ConcurrentHashMap.newKeySet();
    private final Set<String> pendingTags = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean pendingOverflow = new AtomicBoolean();
    private final Cache<String, Boolean> undecodableLogged;
    private final ScheduledExecutorService background;
    private final RTopic topic;
    private volatile Integer messageListenerId;
    private volatile Integer statusListenerId;
    private volatile boolean closed;
    private final AtomicBoolean firstSubscribeNeedsNoClear = new AtomicBoolean();
    /** Test seam: runs between a GET's reply and the level-1 insert, to replay the race with an invalidation. */
    volatile Runnable afterRedisRead;

    private final LongAdder localHits = new LongAdder();
    private final LongAdder redisHits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final LongAdder clears = new LongAdder();
    private final LongAdder undecodable = new LongAdder();

    /**
     * What level 1 holds: the decoded value, its bytes (to re-decode as another type) and its tags. The Optional a
     * hit returns is made once here, so a level-1 hit allocates nothing.
     */
    static final class LocalEntry {
        final Object value;
        final byte[] bytes;
        final Type type;
        final Set<String> tags;
        /** Ticker time after which the entry is dead, when its TTL is shorter than level 1's; else 0. */
        final long expiresAt;
        final Optional<Object> present;

        LocalEntry(Object value, byte[] bytes, Type type, Set<String> tags, long expiresAt) {
            this.value = value;
            this.bytes = bytes;
            this.type = type;
            this.tags = tags;
            this.expiresAt = expiresAt;
            this.present = Optional.of(value);
        }

        boolean expired(Ticker ticker) {
            return expiresAt != 0 && ticker.read() - expiresAt >= 0;
        }

        Object value() {
            return value;
        }

        byte[] bytes() {
            return bytes;
        }

        Type type() {
            return type;
        }

        Set<String> tags() {
            return tags;
        }
    }

    TwoLevelCache(GraceCache.Builder b) {
        this.redis = b.redis;
        this.instanceId = b.instanceId != null ? b.instanceId : InstanceId.generate();
        if (instanceId.value().indexOf('\n') >= 0 || instanceId.value().indexOf('\r') >= 0) {
            throw new IllegalArgumentException("instance id must not contain line breaks: '" + instanceId + "'");
        }
        this.ticker = b.ticker;
        this.localTtlNanos = b.localTtl.toNanos();
        this.keyPrefix = b.namespace + ":c:";
        this.tagPrefix = b.namespace + ":t:";
        this.probeKey = b.namespace + ":probe";
        this.channel = b.namespace + ":cache:invalidations";
        this.channelBytes = channel.getBytes(StandardCharsets.UTF_8);
        this.codec = b.codec != null ? b.codec : CacheCodec.jackson();
        this.listener = b.listener;
        this.availability = b.availability != null ? b.availability
                : new RedisAvailability("cache", b.clock, b.probeInterval);
        this.local = b.localMaxSize == 0 ? null : Caffeine.newBuilder()
                .maximumSize(b.localMaxSize)
                .ticker(b.ticker)
                .expireAfterWrite(Duration.ofNanos(Math.max(1, localTtlNanos - fillAllowance(localTtlNanos))))
                .build();
        this.undecodableLogged = Caffeine.newBuilder().maximumSize(1_000).expireAfterWrite(Duration.ofHours(1))
                .build();
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "grace-cache-" + b.namespace);
            t.setDaemon(true);
            return t;
        });
        this.topic = redis.getTopic(channel, StringCodec.INSTANCE);
        availability.onTransition(this::onTransition);
        long probeMillis = Math.max(50, b.probeInterval.toMillis());
        background.scheduleWithFixedDelay(this::probe, probeMillis, probeMillis, TimeUnit.MILLISECONDS);
        // When subscribing succeeds here, the channel is subscribed before build() returns, so nothing cached can
        // have missed a message and the first onSubscribe (which may arrive a moment later) needs no clear. Set
        // before subscribing, as that onSubscribe may also come first; withdrawn if subscribing failed.
        firstSubscribeNeedsNoClear.set(true);
        subscribe();
        if (messageListenerId == null) {
            firstSubscribeNeedsNoClear.set(false);
        }
    }

    // ---------------------------------------------------------------------------------------------- reads

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> get(String key, Class<T> type) {
        // The hot path, kept small so the JIT inlines it: a level-1 hit on the type it was stored as. Only valid
        // keys ever enter level 1, so the full key check can wait for the slow path; a hit allocates nothing.
        if (local != null && key != null) {
            LocalEntry entry = local.getIfPresent(key);
            if (entry != null && entry.type == type && (entry.expiresAt == 0 || !entry.expired(ticker))) {
                localHits.increment();
                if (listener != CacheListener.NONE) {
                    notifyLocalHit(key);
                }
                return (Optional<T>) entry.present;
            }
        }
        return getSlow(key, type);
    }

    private <T> Optional<T> getSlow(String key, Class<T> type) {
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
            localHits.increment();
            notifyLocalHit(key);
            return value;
        }
        LocalEntry entry = fromRedis(key, type);
        if (entry != null) {
            redisHits.increment();
            notifyRedisHit(key);
            return entry.value();
        }
        misses.increment();
        notifyMiss(key);
        return null;
    }

    @Override
    public <T> T getOrLoad(String key, Class<T> type, Duration ttl, Supplier<? extends T> loader) {
        checkTtl(ttl);
        if (local != null && key != null && loader != null) {
            LocalEntry entry = local.getIfPresent(key);
            if (entry != null && entry.type == type && (entry.expiresAt == 0 || !entry.expired(ticker))) {
                localHits.increment();
                if (listener != CacheListener.NONE) {
                    notifyLocalHit(key);
                }
                return type.cast(entry.value);
            }
        }
        checkKey(key);
        Objects.requireNonNull(type, "type must not be null");
        return type.cast(readOrLoad(key, type, type, checkTtl(ttl), loader));
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
            localHits.increment();
            notifyLocalHit(key);
            return value;
        }
        CompletableFuture<LocalEntry> mine = new CompletableFuture<>();
        CompletableFuture<LocalEntry> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            LocalEntry shared = await(running);
            return shared == null ? null : convert(key, shared, type, raw);
        }
        try {
            LocalEntry entry = loadShared(key, type, ttl, loader);
            mine.complete(entry);
            return entry == null ? null : entry.value();
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private LocalEntry loadShared(String key, Type type, Duration ttl, Supplier<?> loader) {
        LocalEntry fromRedis = fromRedis(key, type);
        if (fromRedis != null) {
            redisHits.increment();
            notifyRedisHit(key);
            return fromRedis;
        }
        misses.increment();
        notifyMiss(key);
        long token = token(key);
        long start = ticker.read();
        Object value;
        try {
            value = loader.get();
        } catch (RuntimeException | Error e) {
            recordLoad(key, start, true);
            throw e;
        }
        recordLoad(key, start, false);
        if (value == null) {
            return null;
        }
        byte[] bytes = encode(key, value);
        LocalEntry entry = new LocalEntry(value, bytes, type, Set.of(), fillDeadline(start, expiresAt(ttl)));
        boolean ours = true;
        if (availability.isAvailable()) {
            try {
                // NX: a put that landed while we loaded is newer than what we loaded; keep it, and keep ours out of L1.
                ours = bucket(key).setIfAbsent(bytes, ttl);
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
        if (ours) {
            putLocalIfUnchanged(key, entry, token);
        }
        return entry;
    }

    private static LocalEntry await(CompletableFuture<LocalEntry> running) {
        try {
            return running.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }

    /** The level-1 value as {@code type}, or null. */
    private Object fromLocal(String key, Type type, Class<?> raw) {
        if (local == null) {
            return null;
        }
        LocalEntry entry = local.getIfPresent(key);
        if (entry == null) {
            return null;
        }
        if (entry.expired(ticker)) {
            local.asMap().remove(key, entry);
            return null;
        }
        return convert(key, entry, type, raw);
    }

    /** {@code entry}'s value as {@code type}: the cached object when it fits, else its bytes decoded again. */
    private Object convert(String key, LocalEntry entry, Type type, Class<?> raw) {
        if (type.equals(entry.type()) || (type instanceof Class<?> && raw.isInstance(entry.value()))) {
            return entry.value();
        }
        Object value;
        try {
            value = codec.decode(entry.bytes(), type);
        } catch (RuntimeException e) {
            undecodable(key, type, e);
            return null;
        }
        // Not stored back: replacing the entry would restart its level-1 lifetime and stretch the staleness bound.
        return value;
    }

    /** GET from Redis, decoded and (if no invalidation intervened) kept in level 1; null on miss or failure. */
    private LocalEntry fromRedis(String key, Type type) {
        if (!availability.isAvailable()) {
            return null;
        }
        if (!pendingKeys.isEmpty() && pendingKeys.contains(key)) {
            // Written here while Redis was down and not yet deleted there: what Redis holds is older than that.
            return null;
        }
        long token = token(key);
        long start = ticker.read();
        byte[] bytes;
        try {
            bytes = bucket(key).get();
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
        LocalEntry entry = new LocalEntry(value, bytes, type, Set.of(), fillDeadline(start, 0));
        putLocalIfUnchanged(key, entry, token);
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
        byte[] bytes = encode(key, value);
        boolean written = false;
        if (availability.isAvailable()) {
            List<Object> keys = new ArrayList<>(1 + tags.size());
            keys.add(keyPrefix + key);
            tags.forEach(t -> keys.add(tagPrefix + t));
            try {
                redis.getScript(ByteArrayCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, PUT_SCRIPT,
                        RScript.ReturnType.INTEGER, keys, bytes, ascii(Long.toString(Math.max(1, ttl.toMillis()))),
                        channelBytes, utf8(CacheInvalidation.ofKey(instanceId.value(), key)));
                written = true;
                invalidationSent(1);
            } catch (RuntimeException e) {
                redisFailed(e);
            }
        }
        if (!written) {
            remember(pendingKeys, key);
        }
        bump(key);
        if (local != null) {
            local.put(key, new LocalEntry(value, bytes, value.getClass(), Set.copyOf(tags), expiresAt(ttl)));
        }
    }

    @Override
    public void delete(String key) {
        checkKey(key);
        boolean written = false;
        if (availability.isAvailable()) {
            written = deleteInRedis(key);
        }
        if (!written) {
            remember(pendingKeys, key);
        }
        bump(key);
        if (local != null) {
            local.invalidate(key);
        }
    }

    private boolean deleteInRedis(String key) {
        try {
            redis.getScript(ByteArrayCodec.INSTANCE).eval(RScript.Mode.READ_WRITE, DELETE_SCRIPT,
                    RScript.ReturnType.INTEGER, List.of(keyPrefix + key), channelBytes,
                    utf8(CacheInvalidation.ofKey(instanceId.value(), key)));
            invalidationSent(1);
            return true;
        } catch (RuntimeException e) {
            redisFailed(e);
            return false;
        }
    }

    @Override
    public void invalidateTag(String tag) {
        checkName(tag, "tag");
        List<String> keys = availability.isAvailable() ? invalidateTagInRedis(tag) : null;
        if (keys == null) {
            remember(pendingTags, tag);
            keys = List.of();
        }
        keys.forEach(this::bump);
        dropLocalTag(tag, keys);
    }

    /** Deletes the tag's keys in Redis and announces them; returns the keys, or null if Redis failed. */
    private List<String> invalidateTagInRedis(String tag) {
        try {
            List<byte[]> deleted = redis.getScript(ByteArrayCodec.INSTANCE).eval(RScript.Mode.READ_WRITE,
                    TAG_SCRIPT, RScript.ReturnType.MULTI, List.of(tagPrefix + tag), channelBytes,
                    utf8(CacheInvalidation.tagHeader(instanceId.value(), tag)),
                    ascii(Integer.toString(keyPrefix.getBytes(StandardCharsets.UTF_8).length)));
            List<String> keys = new ArrayList<>(deleted == null ? 0 : deleted.size());
            if (deleted != null) {
                deleted.forEach(k -> keys.add(new String(k, StandardCharsets.UTF_8)));
            }
            invalidationSent(keys.size());
            return keys;
        } catch (RuntimeException e) {
            redisFailed(e);
            return null;
        }
    }

    /** Drops {@code keys} and every level-1 entry put with {@code tag} (a scan: tag invalidation is rare). */
    private void dropLocalTag(String tag, List<String> keys) {
        epoch.incrementAndGet();
        if (local != null) {
            keys.forEach(local::invalidate);
            local.asMap().values().removeIf(e -> e.tags().contains(tag));
        }
    }

    private byte[] encode(String key, Object value) {
        try {
            return codec.encode(value);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot encode the value for key '" + key + "' of type "
                    + value.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    // ------------------------------------------------------------------------------------ level-1 coherence

    private int stripe(String key) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (STRIPES - 1);
    }

    /** Changes whenever {@code key} may have been invalidated; both parts only grow, so the sum is a witness. */
    private long token(String key) {
        return epoch.get() + stripes.get(stripe(key));
    }

    private void bump(String key) {
        stripes.incrementAndGet(stripe(key));
    }

    private void putLocalIfUnchanged(String key, LocalEntry entry, long token) {
        if (local == null) {
            return;
        }
        local.asMap().compute(key, (k, current) -> token(k) == token ? entry : current);
    }

    private void clearLocal(String reason) {
        epoch.incrementAndGet();
        if (local != null) {
            local.invalidateAll();
        }
        clears.increment();
        try {
            listener.onLocalCleared(reason);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    // -------------------------------------------------------------------------------------- pub/sub

    private void subscribe() {
        if (closed) {
            return;
        }
        try {
            if (statusListenerId == null) {
                statusListenerId = topic.addListener(new StatusListener() {
                    @Override
                    public void onSubscribe(String ch) {
                        // Fires on the first subscription and again after every reconnect: messages may have been
                        // lost in between, so nothing in level 1 can be trusted beyond this point.
                        if (!firstSubscribeNeedsNoClear.getAndSet(false)) {
                            clearLocal("resubscribed");
                        }
                    }

                    @Override
                    public void onUnsubscribe(String ch) {
                        // Only on an explicit unsubscribe; a dropped connection is seen as a resubscribe later.
                    }
                });
            }
            if (messageListenerId == null) {
                messageListenerId = topic.addListener(String.class, (ch, message) -> onMessage(message));
            }
        } catch (RuntimeException e) {
            redisFailed(e);
            if (!closed) {
                background.schedule(this::subscribe, 1, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether this cache hears invalidations now (false until a failed subscription has been retried). */
    boolean isSubscribed() {
        return messageListenerId != null;
    }

    void onMessage(String message) {
        CacheInvalidation inv = CacheInvalidation.parse(message);
        if (inv == null || inv.sender().equals(instanceId.value())) {
            return;
        }
        received.increment();
        if (inv.tag() != null) {
            inv.keys().forEach(this::bump);
            dropLocalTag(inv.tag(), inv.keys());
        } else {
            for (String key : inv.keys()) {
                bump(key);
                if (local != null) {
                    local.invalidate(key);
                }
            }
        }
        try {
            listener.onInvalidationReceived(inv.keys().size());
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    // ------------------------------------------------------------------------------- Redis availability

    private void redisFailed(RuntimeException e) {
        availability.recordFailure(e);
    }

    private void onTransition(boolean onRedis) {
        if (closed) {
            return;
        }
        clearLocal(onRedis ? "redis-back" : "redis-down");
        try {
            listener.onFallback(onRedis);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
        if (onRedis) {
            background.execute(this::flushPending);
        }
    }

    /** While down, one EXISTS per probe interval decides when Redis is back; callers never wait on a dead Redis. */
    private void probe() {
        if (closed || availability.isAvailable() || !availability.shouldTryRedis()) {
            return;
        }
        try {
            // A key outside the value space (ns:probe, not ns:c:...), so it never touches a cached key.
            redis.getBucket(probeKey, ByteArrayCodec.INSTANCE).isExists();
            availability.recordSuccess();
        } catch (RuntimeException e) {
            // still down; the next probe will tell
        }
    }

    private void remember(Set<String> pending, String item) {
        if (pending.size() < PENDING_LIMIT) {
            pending.add(item);
        } else {
            pendingOverflow.set(true);
        }
    }

    /** Deletes in Redis what this instance wrote while Redis was down, and tells the other instances. */
    private void flushPending() {
        for (String key : List.copyOf(pendingKeys)) {
            if (!availability.isAvailable() || !deleteInRedis(key)) {
                return;
            }
            pendingKeys.remove(key);
        }
        for (String tag : List.copyOf(pendingTags)) {
            if (!availability.isAvailable() || invalidateTagInRedis(tag) == null) {
                return;
            }
            pendingTags.remove(tag);
        }
        if (pendingOverflow.getAndSet(false)) {
            LOG.log(Level.WARNING, "grace cache: more than {0} keys were written while Redis was down; Redis may "
                    + "serve older values for the rest of them until their TTL ends", PENDING_LIMIT);
        }
    }

    // ------------------------------------------------------------------------------------------ misc

    private void undecodable(String key, Type type, RuntimeException e) {
        undecodable.increment();
        if (undecodableLogged.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            LOG.log(Level.WARNING, "grace cache: value for key ''{0}'' does not decode as {1} ({2}); "
                    + "treated as a miss and deleted", key, type.getTypeName(), rootMessage(e));
        }
        bump(key);
        if (local != null) {
            local.invalidate(key);
        }
        if (availability.isAvailable()) {
            try {
                bucket(key).delete();
            } catch (RuntimeException ex) {
                redisFailed(ex);
            }
        }
        try {
            listener.onUndecodable(key);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(root.getMessage());
        int nl = m.indexOf('\n');
        return root.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    private void recordLoad(String key, long start, boolean failed) {
        long took = ticker.read() - start;
        loads.increment();
        loadNanos.add(took);
        if (failed) {
            loadFailures.increment();
        }
        try {
            listener.onLoad(key, Duration.ofNanos(took), failed);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    private void invalidationSent(int keys) {
        sent.increment();
        try {
            listener.onInvalidationSent(keys);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    private void notifyLocalHit(String key) {
        if (listener != CacheListener.NONE) {
            try {
                listener.onLocalHit(key);
            } catch (RuntimeException ignored) {
                // metrics must not break the cache
            }
        }
    }

    private void notifyRedisHit(String key) {
        try {
            listener.onRedisHit(key);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    private void notifyMiss(String key) {
        try {
            listener.onMiss(key);
        } catch (RuntimeException ignored) {
            // metrics must not break the cache
        }
    }

    private RBucket<byte[]> bucket(String key) {
        return redis.getBucket(keyPrefix + key, ByteArrayCodec.INSTANCE);
    }

    static long fillAllowance(long localTtlNanos) {
        return Math.min(FILL_ALLOWANCE_NANOS, localTtlNanos / 10);
    }

    /**
     * The deadline of an entry filled by a read or load that began at {@code start}: {@code deadline} (0 for none)
     * unless the fill took longer than the allowance, in which case no later than {@code start + localTtl}.
     */
    private long fillDeadline(long start, long deadline) {
        long now = ticker.read();
        if (now - start <= fillAllowance(localTtlNanos)) {
            return deadline;
        }
        long bound = start + localTtlNanos;
        long at = deadline == 0 || bound - deadline < 0 ? bound : deadline;
        return at == 0 ? 1 : at;
    }

    /** Level 1 expires entries after its own TTL; an entry whose cache TTL is shorter carries its own deadline. */
    private long expiresAt(Duration ttl) {
        long nanos = ttl.toNanos();
        if (nanos >= localTtlNanos) {
            return 0;
        }
        long at = ticker.read() + nanos;
        return at == 0 ? 1 : at;
    }

    private static void checkKey(String key) {
        checkName(key, "key");
    }

    private static void checkName(String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (name.isBlank() || name.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1-" + MAX_KEY_LENGTH + " characters and not blank, got '"
                    + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'");
        }
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must not contain line breaks: '" + name.strip() + "'");
        }
    }

    private static Duration checkTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, got " + ttl);
        }
        return ttl;
    }

    private static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public CacheStats stats() {
        return new CacheStats(localHits.sum(), redisHits.sum(), misses.sum(), loads.sum(), loadFailures.sum(),
                loadNanos.sum(), sent.sum(), received.sum(), clears.sum(), undecodable.sum(),
                availability.isAvailable());
    }

    @Override
    public InstanceId instanceId() {
        return instanceId;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        background.shutdownNow();
        try {
            Integer m = messageListenerId;
            Integer s = statusListenerId;
            if (m != null) {
                topic.removeListener(m);
            }
            if (s != null) {
                topic.removeListener(s);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "grace cache: could not unsubscribe on close: {0}", e.toString());
        }
    }

    @Override
    public String toString() {
        return "GraceCache[" + keyPrefix + "*, instance " + instanceId + ", " + stats() + "]";
    }
}
