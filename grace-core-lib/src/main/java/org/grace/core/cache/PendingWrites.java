package org.grace.core.cache;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.grace.core.cache.LevelTwo.NoAnswer;
import org.grace.core.redis.RedisAvailability;

/**
 * The cache's writes to Redis, and those of them Redis did not take: the keys and tags this instance wrote while it
 * could not reach Redis (down, or a write that failed or outlived its call timeout), replayed as deletions when
 * Redis returns. A Redis that kept its data must not serve what this instance overwrote meanwhile, and the other
 * instances must hear of it. Until then reads of a remembered key skip Redis. Bounded: beyond {@link #LIMIT}
 * entries it only warns.
 */
final class PendingWrites {
    static final int LIMIT = 10_000;
    private static final System.Logger LOG = System.getLogger(GraceCache.class.getName());

    private final LevelTwo levelTwo;
    private final RedisAvailability availability;
    private final CacheCounters counters;
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final Set<String> tags = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean overflow = new AtomicBoolean();

    PendingWrites(LevelTwo levelTwo, RedisAvailability availability, CacheCounters counters) {
        this.levelTwo = levelTwo;
        this.availability = availability;
        this.counters = counters;
    }

    /** Writes {@code key} ({@code operation} is "put" or "delete"), or remembers it when Redis does not take it. */
    void write(String operation, String key, Supplier<CompletionStage<Long>> call) {
        if (!availability.isAvailable()) {
            remember(keys, key);
            return;
        }
        try {
            levelTwo.await(call.get());
            counters.invalidationSent(1);
        } catch (NoAnswer e) {
            // The write may still land; deleting the key there when Redis is back is right either way.
            counters.noAnswer(e, operation, key);
            remember(keys, key);
        } catch (RuntimeException e) {
            failed(e, keys, key);
        }
    }

    /**
     * Deletes the keys put with {@code tag} in Redis and announces them; returns those keys, or none when Redis did
     * not take it (the tag is remembered) or did not answer in time (remembered too, and {@code lateKeys} hears the
     * keys if the script runs after all).
     */
    List<String> invalidateTag(String tag, Consumer<List<String>> lateKeys) {
        if (!availability.isAvailable()) {
            remember(tags, tag);
            return List.of();
        }
        CompletionStage<List<String>> call = levelTwo.invalidateTag(tag);
        try {
            List<String> deleted = levelTwo.await(call);
            counters.invalidationSent(deleted.size());
            return deleted;
        } catch (NoAnswer e) {
            counters.noAnswer(e, "invalidate-tag", tag);
            remember(tags, tag);
            call.thenAccept(lateKeys);
        } catch (RuntimeException e) {
            failed(e, tags, tag);
        }
        return List.of();
    }

    /** Whether Redis's value of {@code key} is older than a write made here (cheap when nothing is pending). */
    boolean hasKey(String key) {
        return !keys.isEmpty() && keys.contains(key);
    }

    /**
     * Replays every remembered write, waiting for the client as long as it takes (this runs in the background);
     * stops at the first failure or when Redis is found down, keeping the rest for its next return.
     */
    void replay() {
        if (!replay(keys, levelTwo::delete) || !replay(tags, levelTwo::invalidateTag)) {
            return;
        }
        if (overflow.getAndSet(false)) {
            LOG.log(Level.WARNING, "grace cache: more than {0} keys were written while Redis was down; Redis may "
                    + "serve older values for the rest of them until their TTL ends", LIMIT);
        }
    }

    private boolean replay(Set<String> items, Function<String, CompletionStage<?>> write) {
        for (String item : List.copyOf(items)) {
            if (!availability.isAvailable()) {
                return false;
            }
            try {
                LevelTwo.awaitFully(write.apply(item));
            } catch (RuntimeException e) {
                availability.recordFailure(e);
                return false;
            }
            counters.invalidationSent(1);
            items.remove(item);
        }
        return true;
    }

    private void failed(Throwable e, Set<String> items, String item) {
        availability.recordFailure(e);
        remember(items, item);
    }

    private void remember(Set<String> items, String item) {
        if (items.size() < LIMIT) {
            items.add(item);
        } else {
            overflow.set(true);
        }
    }
}
