package org.grace.webapp.documents;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One byte range of a download, from a {@code Range} header (RFC 9110 section 14): {@code bytes=a-b},
 * {@code bytes=a-} or {@code bytes=-n}. Only a single range is served; a header asking for several, or one that is not
 * a byte range at all, is ignored (the whole file is sent, as the RFC allows). A range that starts past the end is
 * unsatisfiable (416).
 *
 * @param offset first byte, 0-based
 * @param length bytes from there, at least 1
 */
record ByteRange(long offset, long length) {
    private static final Pattern SINGLE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /** Thrown for a range that no byte of the file satisfies. */
    static final class Unsatisfiable extends Exception {
        Unsatisfiable() {
            super(null, null, false, false);
        }
    }

    /** The range asked for in a file of {@code size} bytes, or empty for the whole file. */
    static Optional<ByteRange> parse(String header, long size) throws Unsatisfiable {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = SINGLE.matcher(header.strip());
        if (!m.matches() || m.group(1).isEmpty() && m.group(2).isEmpty()) {
            return Optional.empty();
        }
        try {
            if (m.group(1).isEmpty()) {
                long suffix = Long.parseLong(m.group(2));
                if (suffix == 0) {
                    throw new Unsatisfiable();
                }
                long n = Math.min(suffix, size);
                return Optional.of(new ByteRange(size - n, n));
            }
            long first = Long.parseLong(m.group(1));
            long last = m.group(2).isEmpty() ? Long.MAX_VALUE : Long.parseLong(m.group(2));
            if (last < first) {
                return Optional.empty(); // not a valid range: ignored
            }
            if (first >= size) {
                throw new Unsatisfiable();
            }
            return Optional.of(new ByteRange(first, Math.min(last, size - 1) - first + 1));
        } catch (NumberFormatException tooLong) {
            return Optional.empty();
        }
    }

    long last() {
        return offset + length - 1;
    }

    /** {@code Content-Range} of this range in a file of {@code size} bytes. */
    String contentRange(long size) {
        return "bytes " + offset + "-" + last() + "/" + size;
    }
}
