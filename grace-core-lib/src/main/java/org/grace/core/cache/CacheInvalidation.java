package org.grace.core.cache;

import java.util.ArrayList;
import java.util.List;

/**
 * One invalidation message on the cache channel: who sent it, and which keys (or which tag, with the keys it held)
 * to drop from level 1. Line-based rather than JSON so the tag script in Redis can build it with string
 * concatenation; keys and tags cannot contain line breaks.
 *
 * <pre>
 * sender\nK\nkey1\nkey2...        keys
 * sender\nT\ntag\nkey1\nkey2...   a tag, with the keys it held
 * </pre>
 */
record CacheInvalidation(String sender, String tag, List<String> keys) {

    static String ofKey(String sender, String key) {
        return sender + "\nK\n" + key;
    }

    /** The prefix of a tag message; the tag script appends {@code \nkey} for each key it deleted. */
    static String tagHeader(String sender, String tag) {
        return sender + "\nT\n" + tag;
    }

    /** Parses a message; null if it is not one (a foreign publisher on the channel). */
    static CacheInvalidation parse(String message) {
        if (message == null) {
            return null;
        }
        String[] lines = message.split("\n", -1);
        if (lines.length < 3) {
            return null;
        }
        return switch (lines[1]) {
            case "K" -> new CacheInvalidation(lines[0], null, List.of(lines).subList(2, lines.length));
            case "T" -> {
                List<String> keys = new ArrayList<>();
                for (int i = 3; i < lines.length; i++) {
                    if (!lines[i].isEmpty()) {
                        keys.add(lines[i]);
                    }
                }
                yield new CacheInvalidation(lines[0], lines[2], keys);
            }
            default -> null;
        };
    }
}
