package org.grace.core.blobs;

/**
 * A byte range that is empty or reaches past the end of the blob. Carries the blob's size, which is what an HTTP
 * {@code 416} answer needs ({@code Content-Range: bytes *}{@code /size}).
 */
public class BlobRangeException extends IllegalArgumentException {
    private final long size;

    public BlobRangeException(String key, long offset, long length, long size) {
        super("range of " + length + " bytes from offset " + offset + " is not inside blob " + key + " of " + size
                + " bytes (offset must be 0 or more, length 1 or more, offset + length at most the size)");
        this.size = size;
    }

    public long size() {
        return size;
    }
}
