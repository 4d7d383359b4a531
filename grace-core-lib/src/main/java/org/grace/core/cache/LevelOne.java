package org.grace.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.List;

/**
 * Level 1: the values this process keeps, bounded in size and in life, and the {@link FillTokens} that keep reads
 * racing with invalidations out of it.
 *
 * <p>A Caffeine cache with {@code expireAfterWrite}, the cheapest read path Caffeine has (its per-entry variable
 * expiry costs several times more per hit); the rare entry whose own TTL is shorter than level 1's carries its
 * deadline and is checked on read. A hit on the stored type is a lookup, two field reads and a counter increment,
 * and allocates nothing.
 *
 * <p>An entry lives {@code localTtl - FILL_ALLOWANCE} after it was stored; a read or load that took longer than the
 * allowance gives its entry an explicit deadline of its start plus {@code localTtl}. Either way an entry dies no
 * later than {@code localTtl} after the read that fetched it began, which is the staleness bound when invalidations
 * are lost, and the common fast fill keeps the allocation-free, clock-free hit path.
 */
final class LevelOne {
    static final long FILL_ALLOWANCE_NANOS = Duration.ofMillis(5).toNanos();

    /** Null when level 1 is off (size 0): every read goes to Redis. */
    private final Cache<String, LocalEntry> entries;
    private final Ticker ticker;
    private final long localTtlNanos;
    private final FillTokens tokens = new FillTokens();

    LevelOne(int maxSize, Duration localTtl, Ticker ticker) {
        this.ticker = ticker;
        this.localTtlNanos = localTtl.toNanos();
        this.entries = maxSize == 0 ? null : Caffeine.newBuilder()
                .maximumSize(maxSize)
                .ticker(ticker)
                .expireAfterWrite(Duration.ofNanos(Math.max(1, localTtlNanos - fillAllowance(localTtlNanos))))
                .build();
    }

    /** The hot path: the live entry for {@code key} stored as exactly {@code type}, else null; no allocation. */
    LocalEntry hit(String key, Type type) {
        if (entries == null) {
            return null;
        }
        LocalEntry entry = entries.getIfPresent(key);
        if (entry != null && entry.type == type && (entry.expiresAt == 0 || !entry.expired(ticker))) {
            return entry;
        }
        return null;
    }

    /** The live entry for {@code key} whatever its type, else null; an expired one is dropped on the way. */
    LocalEntry live(String key) {
        if (entries == null) {
            return null;
        }
        LocalEntry entry = entries.getIfPresent(key);
        if (entry != null && entry.expired(ticker)) {
            entries.asMap().remove(key, entry);
            return null;
        }
        return entry;
    }

    /** Take before fetching {@code key}; {@link #putIfUnchanged} with it keeps the fill only if nothing intervened. */
    long token(String key) {
        return tokens.token(key);
    }

    /** Inserts a fill unless {@code key} was invalidated since {@code token}, checked atomically with the insert. */
    void putIfUnchanged(String key, LocalEntry entry, long token) {
        if (entries != null) {
            entries.asMap().compute(key, (k, current) -> tokens.token(k) == token ? entry : current);
        }
    }

    /** This instance wrote {@code key}: older fills in flight must not overwrite {@code entry}. */
    void replace(String key, LocalEntry entry) {
        tokens.invalidate(key);
        if (entries != null) {
            entries.put(key, entry);
        }
    }

    /** {@code key} changed elsewhere or was deleted: drops it, and fills of it in flight. */
    void invalidate(String key) {
        tokens.invalidate(key);
        if (entries != null) {
            entries.invalidate(key);
        }
    }

    /** Drops {@code keys} and every entry put with {@code tag} (a scan: tag invalidation is rare). */
    void dropTag(String tag, List<String> keys) {
        keys.forEach(tokens::invalidate);
        tokens.invalidateAll();
        if (entries != null) {
            keys.forEach(entries::invalidate);
            entries.asMap().values().removeIf(e -> e.tags.contains(tag));
        }
    }

    /** Drops everything, and every fill in flight. */
    void clear() {
        tokens.invalidateAll();
        if (entries != null) {
            entries.invalidateAll();
        }
    }

    long now() {
        return ticker.read();
    }

    static long fillAllowance(long localTtlNanos) {
        return Math.min(FILL_ALLOWANCE_NANOS, localTtlNanos / 10);
    }

    /**
     * The deadline of an entry filled by a read or load that began at {@code start}: {@code deadline} (0 for none)
     * unless the fill took longer than the allowance, in which case no later than {@code start + localTtl}.
     */
    long fillDeadline(long start, long deadline) {
        long now = ticker.read();
        if (now - start <= fillAllowance(localTtlNanos)) {
            return deadline;
        }
        long bound = start + localTtlNanos;
        long at = deadline == 0 || bound - deadline < 0 ? bound : deadline;
        return at == 0 ? 1 : at;
    }

    /** Level 1 expires entries after its own TTL; an entry whose cache TTL is shorter carries its own deadline. */
    long expiresAt(Duration ttl) {
        long nanos = ttl.toNanos();
        if (nanos >= localTtlNanos) {
            return 0;
        }
        long at = ticker.read() + nanos;
        return at == 0 ? 1 : at;
    }
}
