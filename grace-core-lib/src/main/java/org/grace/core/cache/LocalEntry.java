package org.grace.core.cache;

import com.github.benmanes.caffeine.cache.Ticker;
import java.lang.reflect.Type;
import java.util.Optional;
import java.util.Set;

/**
 * What level 1 holds: the decoded value, its bytes (to re-decode as another type) and its tags. The Optional a hit
 * returns is made once here, so a level-1 hit allocates nothing.
 */
final class LocalEntry {
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
}
