package org.grace.webapp.users;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.grace.webapp.library.ReadThroughCache;

/**
 * The hot read of every screen, "who am I", through the library's two-level cache: level 1 in this instance,
 * level 2 in Redis, invalidated on every instance when the user changes. A slow Redis costs at most its call
 * timeout and then PostgreSQL answers (see {@link ReadThroughCache}).
 */
@ApplicationScoped
public class Profiles {
    /** Short, because a change made while Redis was unreachable is only undone by expiry on other instances. */
    public static final Duration TTL = Duration.ofMinutes(5);

    @Inject
    ReadThroughCache cache;
    @Inject
    UserDirectory users;

    public Optional<UserView> of(long userId) {
        return Optional.ofNullable(cache.get(key(userId), UserView.class, TTL, () -> load(userId)));
    }

    /**
     * The profile from PostgreSQL; for an id below zero, which no account has (ids start at 1), a placeholder that
     * never touches PostgreSQL: the warm-up before ready signs its tokens for such ids, so that its requests run a real
     * profile read, both cache levels and the JSON included.
     */
    private UserView load(long userId) {
        if (userId < 0) {
            return new UserView(userId, 0, "", "warm-up@grace.invalid", "warm-up", "care_staff", null);
        }
        return users.byId(userId).map(User::view).orElse(null);
    }

    /** Drops the cached profile here and on every other instance; call after every change to the user. */
    public void changed(long userId) {
        cache.evict(key(userId));
    }

    /** Warms the cache's first write of a profile before traffic (see {@link ReadThroughCache#warmUp}). */
    public void warmUp() {
        cache.warmUp(new UserView(0, 0, "", "", "", "", null));
    }

    static String key(long userId) {
        return "user:" + userId + ":profile";
    }
}
