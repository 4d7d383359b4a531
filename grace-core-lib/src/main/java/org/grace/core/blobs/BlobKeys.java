package org.grace.core.blobs;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** The shape of a key (64 lower-case hex digits of SHA-256) and of a key prefix, checked at every entry point. */
final class BlobKeys {
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PREFIX = Pattern.compile("[0-9a-f]{0,64}");

    private BlobKeys() {
    }

    static boolean isKey(String key) {
        return key != null && KEY.matcher(key).matches();
    }

    static String requireKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("a blob key is the 64 lower-case hex digits of a SHA-256, got "
                    + (key == null ? "null" : "'" + abbreviate(key) + "'"));
        }
        return key;
    }

    static String requirePrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("a key prefix is 0-64 lower-case hex digits, got "
                    + (prefix == null ? "null" : "'" + abbreviate(prefix) + "'"));
        }
        return prefix;
    }

    static void requireListArguments(String prefix, String startAfter, int limit) {
        requirePrefix(prefix);
        if (startAfter != null) {
            requirePrefix(startAfter);
        }
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("list limit must be 1-10000, got " + limit);
        }
    }

    static void requireRange(String key, long offset, long length, long size) {
        if (offset < 0 || length < 1 || offset > size - length) {
            throw new BlobRangeException(key, offset, length, size);
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
