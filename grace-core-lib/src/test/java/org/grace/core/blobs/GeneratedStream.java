package org.grace.core.blobs;

import java.io.InputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A deterministic stream of pseudo-random bytes of a given length, produced as it is read and never held: a large
 * upload that cannot have been buffered by the test itself. Two instances with the same seed give the same bytes.
 */
final class GeneratedStream extends InputStream {
    private final long length;
    private long position;
    private long state;

    GeneratedStream(long seed, long length) {
        this.length = length;
        this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    private int nextByte() {
        state ^= state << 13;
        state ^= state >>> 7;
        state ^= state << 17;
        return (int) (state & 0xff);
    }

    @Override
    public int read() {
        if (position >= length) {
            return -1;
        }
        position++;
        return nextByte();
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        if (position >= length) {
            return -1;
        }
        int n = (int) Math.min(len, length - position);
        for (int i = 0; i < n; i++) {
            b[off + i] = (byte) nextByte();
        }
        position += n;
        return n;
    }

    /** The SHA-256 (hex) of the bytes {@code new GeneratedStream(seed, length)} gives, computed by streaming them. */
    static String sha256(long seed, long length) {
        return sha256(new GeneratedStream(seed, length));
    }

    static String sha256(InputStream in) {
        try (in) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
