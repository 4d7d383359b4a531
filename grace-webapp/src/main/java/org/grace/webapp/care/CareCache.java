package org.grace.webapp.care;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.grace.core.cache.GraceCache;
import org.grace.webapp.library.GraceLibrary;
import org.grace.webapp.redis.RedisGuard;

/**
 * The hot reads of the care screens (resident profile, facility list, unread count) through the library's two-level
 * cache, each call bounded by {@link RedisGuard} so a slow Redis costs its deadline once and then PostgreSQL answers.
 * Without Redis there is no cache and the loader runs every time. Writers call {@link #evict} after their transaction
 * commits, which drops the key in Redis and in level 1 on every instance.
 */
@ApplicationScoped
public class CareCache {
    /** Short, because a change made while Redis was unreachable is undone on other instances only by expiry. */
    public static final Duration TTL = Duration.ofMinutes(5);

    @Inject
    GraceLibrary library;
    @Inject
    RedisGuard guard;

    public <T> T get(String key, Class<T> type, Supplier<T> loader) {
        return get(key, type, TTL, loader);
    }

    /**
     * A read that began before a writer committed can put the old value back after the writer's eviction; the
     * entry's TTL bounds how long that stale value lives, so counts that change often get a short one.
     */
    public <T> T get(String key, Class<T> type, Duration ttl, Supplier<T> loader) {
        Optional<GraceCache> cache = library.cache();
        if (cache.isPresent()) {
            Optional<T> cached = guard.cacheGet(cache.get(), key, type);
            if (cached.isPresent()) {
                return cached.get();
            }
        }
        T loaded = loader.get();
        if (cache.isPresent() && loaded != null) {
            guard.cachePut(cache.get(), key, loaded, ttl);
        }
        return loaded;
    }

    public void evict(String key) {
        library.cache().ifPresent(cache -> guard.cacheDelete(cache, key));
    }
}
