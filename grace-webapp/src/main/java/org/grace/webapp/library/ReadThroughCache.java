package org.grace.webapp.library;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.grace.core.cache.GraceCache;

/**
 * The library's two-level cache as request code uses it: read through (the cached value, else the loader's, which
 * is then cached), and evict after a change, on every instance. The cache waits for Redis at most
 * {@code GRACE_REDIS_CALL_TIMEOUT} (its call timeout) and then answers without it (a miss: the loader, PostgreSQL,
 * answers); a delete Redis did not take is replayed when Redis returns. Without Redis there is no cache and the loader
 * runs every time.
 */
@ApplicationScoped
public class ReadThroughCache {
    private static final Logger LOG = Logger.getLogger(ReadThroughCache.class.getName());

    @Inject
    GraceLibrary library;

    /**
     * The value under {@code key}: from the cache, else from {@code loader} (then cached for {@code ttl}; a null from
     * the loader is returned and not cached). A read that began before a writer committed can put the old value back
     * after the writer's eviction; {@code ttl} bounds how long that stale value lives.
     */
    public <T> T get(String key, Class<T> type, Duration ttl, Supplier<T> loader) {
        Optional<GraceCache> cache = library.cache();
        return cache.isPresent() ? cache.get().getOrLoad(key, type, ttl, loader) : loader.get();
    }

    /** Drops {@code key} here and on every other instance; call after the change has committed. */
    public void evict(String key) {
        library.cache().ifPresent(cache -> cache.delete(key));
    }

    /**
     * Writes, reads and deletes one entry shaped like {@code sample} before traffic: the first cache write of a value
     * type (codec and class initialisation) takes longer than the call timeout, and a first request would otherwise
     * see the cache answer without Redis.
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
