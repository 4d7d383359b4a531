package org.grace.webapp.care;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;
import org.grace.webapp.library.ReadThroughCache;

/**
 * The hot reads of the care screens (resident profile, facility list, memberships, unread count) through the
 * library's two-level cache ({@link ReadThroughCache}: bounded Redis calls, PostgreSQL when Redis is slow or absent),
 * with the care domain's default lifetime. Writers call {@link #evict} after their transaction commits, which drops
 * the key in Redis and in level 1 on every instance.
 */
@ApplicationScoped
public class CareCache {
    /** Short, because a change made while Redis was unreachable is undone on other instances only by expiry. */
    public static final Duration TTL = Duration.ofMinutes(5);

    @Inject
    ReadThroughCache cache;

    public <T> T get(String key, Class<T> type, Supplier<T> loader) {
        return cache.get(key, type, TTL, loader);
    }

    /**
     * A read that began before a writer committed can put the old value back after the writer's eviction; the
     * entry's TTL bounds how long that stale value lives, so counts that change often get a short one.
     */
    public <T> T get(String key, Class<T> type, Duration ttl, Supplier<T> loader) {
        return cache.get(key, type, ttl, loader);
    }

    public void evict(String key) {
        cache.evict(key);
    }
}
