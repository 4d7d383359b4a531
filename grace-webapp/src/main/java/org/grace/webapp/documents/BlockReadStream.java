package org.grace.webapp.documents;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream whose every read goes through its block read, so a subclass implements one method. The upload's
 * streams are always read in blocks (by the blob store); the single-byte read exists for completeness.
 */
abstract class BlockReadStream extends InputStream {
    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        int n;
        do {
            n = read(one, 0, 1);
        } while (n == 0);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public abstract int read(byte[] b, int off, int len) throws IOException;
}
