package org.grace.core.cache;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import org.grace.core.InstanceId;

/**
 * Checks of what callers hand the cache, each failing with an {@link IllegalArgumentException} that names the
 * problem. Keys, tags and the instance id travel in line-based invalidation messages ({@link CacheInvalidation}),
 * hence the ban on line breaks.
 */
final class CacheArguments {
    private CacheArguments() {
    }

    static void checkKey(String key) {
        checkName(key, "key");
    }

    static void checkName(String name, String what) {
        if (name == null) {
            throw new IllegalArgumentException(what + " must not be null");
        }
        if (name.isBlank() || name.length() > GraceCache.MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1-" + GraceCache.MAX_KEY_LENGTH
                    + " characters and not blank, got '"
                    + (name.length() > 80 ? name.substring(0, 80) + "..." : name) + "'");
        }
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw new IllegalArgumentException(what + " must not contain line breaks: '" + name.strip() + "'");
        }
    }

    static Duration checkTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be at least 1 ms, got " + ttl);
        }
        return ttl;
    }

    static InstanceId checkInstanceId(InstanceId instanceId) {
        if (instanceId.value().indexOf('\n') >= 0 || instanceId.value().indexOf('\r') >= 0) {
            throw new IllegalArgumentException("instance id must not contain line breaks: '" + instanceId + "'");
        }
        return instanceId;
    }

    /** {@code value} as bytes; a value the codec cannot write is the caller's error, named with its type. */
    static byte[] encode(CacheCodec codec, String key, Object value) {
        try {
            return codec.encode(value);
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot encode the value for key '" + key + "' of type "
                    + value.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    static Class<?> rawClass(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> c) {
            return c;
        }
        return Object.class;
    }
}
