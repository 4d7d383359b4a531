package org.grace.webapp.users;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.grace.core.cache.GraceCache;
import org.grace.webapp.library.GraceLibrary;
import org.grace.webapp.redis.RedisGuard;

/**
 * The hot read of every screen, "who am I", through the library's two-level cache: level 1 in this instance,
 * level 2 in Redis, invalidated on every instance when the user changes. Cache calls go through
 * {@link RedisGuard}, so a slow Redis costs at most its timeout and then PostgreSQL answers.
 */
@ApplicationScoped
public class Profiles {
    private static final Logger LOG = Logger.getLogger(Profiles.class.getName());
    /** Short, because a change made while Redis was unreachable is only undone by expiry on other instances. */
    public static final Duration TTL = Duration.ofMinutes(5);

    @Inject
    GraceLibrary library;
    @Inject
    RedisGuard guard;
    @Inject
    UserDirectory users;

    public Optional<UserView> of(long userId) {
        Optional<GraceCache> cache = library.cache();
        String key = key(userId);
        if (cache.isPresent()) {
            Optional<UserView> cached = guard.cacheGet(cache.get(), key, UserView.class);
            if (cached.isPresent()) {
                return cached;
            }
        }
        Optional<UserView> loaded = users.byId(userId).map(User::view);
        if (cache.isPresent() && loaded.isPresent()) {
            guard.cachePut(cache.get(), key, loaded.get(), TTL);
        }
        return loaded;
    }

    /** Drops the cached profile here and on every other instance; call after every change to the user. */
    public void changed(long userId) {
        library.cache().ifPresent(cache -> guard.cacheDelete(cache, key(userId)));
    }

    /**
     * Writes, reads and deletes one profile-shaped entry, without a deadline, before traffic: the first cache write
     * of a process (codec and class initialisation) takes longer than the Redis call timeout and would otherwise
     * send the first requests to PostgreSQL.
     */
    public void warmUp() {
        library.cache().ifPresent(cache -> {
            try {
                String key = "warm-up:" + UUID.randomUUID();
                cache.put(key, new UserView(0, 0, "", "", "", ""), Duration.ofSeconds(5));
                cache.get(key, UserView.class);
                cache.delete(key);
            } catch (RuntimeException e) {
                LOG.info("grace: profile cache warm-up skipped: " + e.getMessage());
            }
        });
    }

    static String key(long userId) {
        return "user:" + userId + ":profile";
    }
}
