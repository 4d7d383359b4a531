package org.grace.webapp.documents;

import java.io.IOException;
import java.io.InputStream;

/**
 * An upload's body on its way into the blob store, checked as it passes: at most {@code maxBytes}, of an accepted
 * type by its first bytes ({@link ContentSniffer}), and complete by its last ones. Only the head it sniffs
 * ({@link ContentSniffer#HEAD_BYTES}) and a short tail are held; everything else streams through. A check that fails
 * throws {@link UploadRefused} from {@code read}, so the blob store abandons the put and keeps nothing; the refusal
 * stays available from {@link #refusal()} for the answer.
 */
final class CheckedUpload extends BlockReadStream {
    private final InputStream source;
    private final long maxBytes;
    private final ContentSniffer sniffer;
    private final byte[] head = new byte[ContentSniffer.HEAD_BYTES];
    private int headLength;
    private int headServed;
    private boolean headRead;
    private final byte[] tail = new byte[ContentSniffer.TAIL_BYTES];
    private long total;
    private boolean ended;
    private ContentSniffer.Sniffed sniffed;
    private UploadRefused refusal;

    CheckedUpload(InputStream source, long maxBytes, ContentSniffer sniffer) {
        this.source = source;
        this.maxBytes = maxBytes;
        this.sniffer = sniffer;
    }

    /** What the bytes are; known once the stream has been read to its end without a refusal. */
    ContentSniffer.Sniffed sniffed() {
        return sniffed;
    }

    /** Why the upload was refused, or null. */
    UploadRefused refusal() {
        return refusal;
    }

    long size() {
        return total;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (refusal != null) {
            throw refusal;
        }
        if (len == 0) {
            return 0;
        }
        try {
            if (!headRead) {
                readHead();
            }
            if (headServed < headLength) {
                int n = Math.min(len, headLength - headServed);
                System.arraycopy(head, headServed, b, off, n);
                headServed += n;
                return n;
            }
            if (ended) {
                return -1;
            }
            int n = source.read(b, off, len);
            if (n < 0) {
                end();
                return -1;
            }
            count(b, off, n);
            return n;
        } catch (UploadRefused e) {
            refusal = e;
            throw e;
        }
    }

    private void readHead() throws IOException {
        headRead = true;
        int n;
        while (headLength < head.length && (n = source.read(head, headLength, head.length - headLength)) >= 0) {
            headLength += n;
        }
        boolean complete = headLength < head.length;
        count(head, 0, headLength);
        sniffed = sniffer.sniff(head, headLength, complete);
        if (sniffed.type() == FileType.WEBP && ContentSniffer.webpLength(head) > maxBytes) {
            throw tooLarge();
        }
        if (complete) {
            end();
        }
    }

    private void count(byte[] b, int off, int n) throws UploadRefused {
        total += n;
        if (total > maxBytes) {
            throw tooLarge();
        }
        // keep the last TAIL_BYTES bytes seen, in order
        if (n >= tail.length) {
            System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
        } else {
            System.arraycopy(tail, n, tail, 0, tail.length - n);
            System.arraycopy(b, off, tail, tail.length - n, n);
        }
    }

    private void end() throws UploadRefused {
        ended = true;
        int tailLength = (int) Math.min(total, tail.length);
        byte[] last = tailLength == tail.length ? tail
                : java.util.Arrays.copyOfRange(tail, tail.length - tailLength, tail.length);
        sniffer.checkEnd(sniffed.type(), last, tailLength, total);
        if (sniffed.type() == FileType.WEBP && ContentSniffer.webpLength(head) != total) {
            throw new UploadRefused(422, "the WEBP file is incomplete (its header says " + ContentSniffer.webpLength(head)
                    + " bytes, " + total + " arrived); nothing was stored");
        }
    }

    private UploadRefused tooLarge() {
        return new UploadRefused(413, "the file is larger than " + maxBytes + " bytes; nothing was stored");
    }
}
