package org.grace.webapp.settings;

import static org.assertj.core.api.Assertions.assertThat;

import org.grace.core.cache.GraceCache;
import org.grace.core.ratelimit.RateLimiter;
import org.grace.settings.Settings;
import org.junit.jupiter.api.Test;

/**
 * The bounds grace-settings writes out instead of reading them from the library (the launcher has no Redisson to
 * load the library's interfaces with) are still the library's.
 */
class LibraryBoundsTest {

    @Test
    void theLongestRedisCallTimeoutIsTheLibrarys() {
        assertThat(Settings.MAX_REDIS_CALL_TIMEOUT).isEqualTo(GraceCache.MAX_CALL_TIMEOUT)
                .isEqualTo(RateLimiter.MAX_CALL_TIMEOUT);
    }
}
