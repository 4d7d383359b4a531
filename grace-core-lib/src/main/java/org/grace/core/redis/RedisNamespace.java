package org.grace.core.redis;

/** The prefix that keeps one application's Redis keys and channels apart from another's on a shared Redis. */
public final class RedisNamespace {
    /** Long enough for {@code app:env:tenant}, short enough not to bloat every key. */
    public static final int MAX_LENGTH = 100;

    private RedisNamespace() {
    }

    /** Returns {@code namespace} if usable; {@link IllegalArgumentException} naming the problem otherwise. */
    public static String require(String namespace) {
        if (namespace == null || namespace.isBlank() || namespace.length() > MAX_LENGTH || namespace.contains(" ")) {
            throw new IllegalArgumentException("namespace must be 1-" + MAX_LENGTH + " characters without spaces, got '"
                    + namespace + "'");
        }
        return namespace;
    }
}
