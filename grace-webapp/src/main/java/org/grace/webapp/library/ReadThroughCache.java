package org.grace.webapp.library;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.grace.core.cache.GraceCache;
import org.grace.webapp.redis.RedisGuard;

/**
 * The library's two-level cache as request code uses it: read through (the cached value, else the loader's, which
 * is then cached), and evict after a change, on every instance. Each cache call is bounded by {@link RedisGuard}, so
 * a slow Redis costs its deadline once and then the loader (PostgreSQL) answers. Without Redis there is no cache and
 * the loader runs every time.
 */
@ApplicationScoped
public class ReadThroughCache {
    private static final Logger LOG = Logger.getLogger(ReadThroughCache.class.getName());

    @Inject
    GraceLibrary library;
    @Inject
    RedisGuard guard;

    /**
     * The value under {@code key}: from the cache, else from {@code loader} (then cached for {@code ttl}; a null from
     * the loader is returned and not cached). A read that began before a writer committed can put the old value back
     * after the writer's eviction; {@code ttl} bounds how long that stale value lives.
     */
    public <T> T get(String key, Class<T> type, Duration ttl, Supplier<T> loader) {
        Optional<GraceCache> cache = library.cache();
        if (cache.isPresent()) {
            Optional<T> cached = guard.callBlocking("cache-get", () -> cache.get().get(key, type), Optional::empty);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        T loaded = loader.get();
        if (cache.isPresent() && loaded != null) {
            guard.callBlocking("cache-put", () -> {
                cache.get().put(key, loaded, ttl);
                return null;
            }, () -> null);
        }
        return loaded;
    }

    /**
     * Drops {@code key} here and on every other instance; call after the change has committed. Tried even while
     * Redis is known down: the cache remembers a delete it could not send and replays it when Redis returns.
     */
    public void evict(String key) {
        library.cache().ifPresent(cache -> guard.attemptBlocking("cache-delete", () -> {
            cache.delete(key);
            return null;
        }, () -> null));
    }

    /**
     * Writes, reads and deletes one entry shaped like {@code sample}, without a deadline, before traffic: the first
     * cache write of a value type (codec and class initialisation) takes longer than the Redis call timeout and
     * would otherwise send the first requests to the loader.
     */
    public void warmUp(Object sample) {
        library.cache().ifPresent(cache -> {
            try {
                String key = "warm-up:" + UUID.randomUUID();
                cache.put(key, sample, Duration.ofSeconds(5));
                cache.get(key, sample.getClass());
                cache.delete(key);
            } catch (RuntimeException e) {
                LOG.info("grace: cache warm-up skipped: " + e.getMessage());
            }
        });
    }
}
