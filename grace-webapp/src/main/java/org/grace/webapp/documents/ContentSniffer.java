package org.grace.webapp.documents;

import java.nio.charset.StandardCharsets;

/**
 * Decides what an upload is from its bytes, never from its name or declared type: the first bytes (magic numbers and,
 * for images, the header that states the pixel dimensions) and the last ones (how a complete file of that type ends).
 * Only JPEG, PNG, WebP and PDF pass. Nothing is decoded: an image whose header claims more pixels than allowed is
 * refused from its header, before any decoder could be asked to allocate for it.
 *
 * <p>What it does not prove: that every byte in between is valid. A file that passes is stored and served only as its
 * sniffed type, as an attachment, with {@code nosniff}, so a polyglot cannot become a page.
 */
final class ContentSniffer {
    /**
     * Bytes of the start of a file that the sniffer may need: a JPEG's frame header comes after its metadata segments
     * (EXIF, ICC profile, XMP), which are rarely over 64 KB each. One upload holds this much in memory.
     */
    static final int HEAD_BYTES = 256 * 1024;
    /** Bytes of the end of a file that the end check reads (a PDF's {@code %%EOF} may be followed by some padding). */
    static final int TAIL_BYTES = 1024;

    static final String ACCEPTED = "only JPEG, PNG, WebP and PDF files are accepted";

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final byte[] PNG_END = {0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xAE, 0x42, 0x60, (byte) 0x82};

    /** The type of an accepted file, with its pixel dimensions when it is an image (0 for PDF). */
    record Sniffed(FileType type, int width, int height) {
    }

    private final long maxPixels;

    ContentSniffer(long maxPixels) {
        this.maxPixels = maxPixels;
    }

    /**
     * The type of a file from its first {@code length} bytes; {@code complete} says whether they are the whole file
     * (a header cut short is then a truncated file, otherwise a header too long to check).
     */
    Sniffed sniff(byte[] head, int length, boolean complete) throws UploadRefused {
        if (length == 0) {
            throw new UploadRefused(400, "the file is empty");
        }
        Sniffed sniffed;
        if (startsWith(head, length, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})) {
            sniffed = jpeg(head, length, complete);
        } else if (startsWith(head, length, PNG_SIGNATURE)) {
            sniffed = png(head, length);
        } else if (startsWith(head, length, ascii("RIFF")) && length >= 12 && matches(head, 8, ascii("WEBP"))) {
            sniffed = webp(head, length);
        } else if (startsWith(head, length, ascii("%PDF-"))) {
            return new Sniffed(FileType.PDF, 0, 0);
        } else {
            throw new UploadRefused(415, ACCEPTED + "; this file is " + describe(head, length));
        }
        long pixels = (long) sniffed.width() * sniffed.height();
        if (pixels > maxPixels) {
            throw new UploadRefused(422, "the image is " + sniffed.width() + " x " + sniffed.height()
                    + " pixels; at most " + maxPixels + " pixels are accepted");
        }
        return sniffed;
    }

    /**
     * Checks how a file of {@code type} ends: {@code tail} holds its last {@code tailLength} bytes, {@code size} is
     * its whole length. A file cut short (an interrupted upload, a truncated photo) fails here.
     */
    void checkEnd(FileType type, byte[] tail, int tailLength, long size) throws UploadRefused {
        boolean complete = switch (type) {
            case JPEG -> tailLength >= 2 && (tail[tailLength - 2] & 0xFF) == 0xFF && (tail[tailLength - 1] & 0xFF) == 0xD9;
            case PNG -> tailLength >= PNG_END.length && matches(tail, tailLength - PNG_END.length, PNG_END);
            case WEBP -> true; // its RIFF header states the length, checked by the caller against the size
            case PDF -> indexOf(tail, tailLength, ascii("%%EOF")) >= 0;
        };
        if (!complete) {
            throw new UploadRefused(422, "the " + type.name() + " file is incomplete (it does not end as a "
                    + type.name() + " file ends); nothing was stored");
        }
    }

    /** A WebP file's length as its RIFF header states it (the chunk size plus the 8 bytes before it). */
    static long webpLength(byte[] head) {
        return (head[4] & 0xFFL | (head[5] & 0xFFL) << 8 | (head[6] & 0xFFL) << 16 | (head[7] & 0xFFL) << 24) + 8;
    }

    private Sniffed jpeg(byte[] b, int length, boolean complete) throws UploadRefused {
        int at = 2;
        while (true) {
            while (at < length && (b[at] & 0xFF) == 0xFF && at + 1 < length && (b[at + 1] & 0xFF) == 0xFF) {
                at++; // fill bytes before a marker
            }
            if (at + 4 > length) {
                throw headerMissing(FileType.JPEG, complete);
            }
            if ((b[at] & 0xFF) != 0xFF) {
                throw new UploadRefused(422, "the JPEG file is damaged (no marker where one must be)");
            }
            int marker = b[at + 1] & 0xFF;
            if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) {
                at += 2; // markers without a length
                continue;
            }
            if (marker == 0xD9 || marker == 0xDA) {
                throw new UploadRefused(422, "the JPEG file has no frame header before its image data");
            }
            int segment = u16(b, at + 2);
            if (segment < 2) {
                throw new UploadRefused(422, "the JPEG file is damaged (a segment of length " + segment + ")");
            }
            if (isStartOfFrame(marker)) {
                if (at + 9 > length) {
                    throw headerMissing(FileType.JPEG, complete);
                }
                int height = u16(b, at + 5);
                int width = u16(b, at + 7);
                return image(FileType.JPEG, width, height);
            }
            at += 2 + segment;
        }
    }

    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    private Sniffed png(byte[] b, int length) throws UploadRefused {
        if (length < 24 || !matches(b, 12, ascii("IHDR")) || u32(b, 8) != 13) {
            throw new UploadRefused(422, "the PNG file has no image header");
        }
        long width = u32(b, 16);
        long height = u32(b, 20);
        if (width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new UploadRefused(422, "the image is " + width + " x " + height + " pixels; at most " + maxPixels
                    + " pixels are accepted");
        }
        return image(FileType.PNG, (int) width, (int) height);
    }

    private Sniffed webp(byte[] b, int length) throws UploadRefused {
        if (length < 30) {
            throw new UploadRefused(422, "the WebP file has no image header");
        }
        if (matches(b, 12, ascii("VP8X"))) {
            return image(FileType.WEBP, u24le(b, 24) + 1, u24le(b, 27) + 1);
        }
        if (matches(b, 12, ascii("VP8L"))) {
            if ((b[20] & 0xFF) != 0x2F) {
                throw new UploadRefused(422, "the WebP file is damaged (lossless signature)");
            }
            long bits = b[21] & 0xFFL | (b[22] & 0xFFL) << 8 | (b[23] & 0xFFL) << 16 | (b[24] & 0xFFL) << 24;
            return image(FileType.WEBP, (int) (bits & 0x3FFF) + 1, (int) (bits >> 14 & 0x3FFF) + 1);
        }
        if (matches(b, 12, ascii("VP8 "))) {
            if ((b[23] & 0xFF) != 0x9D || (b[24] & 0xFF) != 0x01 || (b[25] & 0xFF) != 0x2A) {
                throw new UploadRefused(422, "the WebP file is damaged (lossy start code)");
            }
            return image(FileType.WEBP, (b[26] & 0xFF | (b[27] & 0xFF) << 8) & 0x3FFF,
                    (b[28] & 0xFF | (b[29] & 0xFF) << 8) & 0x3FFF);
        }
        throw new UploadRefused(422, "the WebP file has no image header");
    }

    private static Sniffed image(FileType type, int width, int height) throws UploadRefused {
        if (width <= 0 || height <= 0) {
            throw new UploadRefused(422, "the " + type.name() + " file states no pixel dimensions");
        }
        return new Sniffed(type, width, height);
    }

    private static UploadRefused headerMissing(FileType type, boolean complete) {
        return complete ? new UploadRefused(422, "the " + type.name() + " file is incomplete (it ends inside its header)")
                : new UploadRefused(422, "the " + type.name() + " file's header is longer than " + HEAD_BYTES / 1024
                + " KB; not accepted");
    }

    /** A few words on what a refused file looks like, for the error message. */
    static String describe(byte[] b, int length) {
        String start = new String(b, 0, Math.min(length, 512), StandardCharsets.ISO_8859_1).stripLeading()
                .toLowerCase();
        if (start.startsWith("<svg") || start.startsWith("<?xml") && start.contains("<svg")) {
            return "SVG, which can carry script";
        }
        if (start.startsWith("<?php") || start.contains("<?php")) {
            return "PHP source";
        }
        if (start.startsWith("<!doctype html") || start.startsWith("<html") || start.contains("<script")) {
            return "HTML";
        }
        if (start.startsWith("pk")) {
            return "a ZIP archive";
        }
        if (start.startsWith("gif8")) {
            return "a GIF image";
        }
        return "of another type";
    }

    private static boolean startsWith(byte[] b, int length, byte[] prefix) {
        return length >= prefix.length && matches(b, 0, prefix);
    }

    private static boolean matches(byte[] b, int at, byte[] expected) {
        if (at < 0 || at + expected.length > b.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (b[at + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] b, int length, byte[] needle) {
        for (int i = 0; i + needle.length <= length; i++) {
            if (matches(b, i, needle)) {
                return i;
            }
        }
        return -1;
    }

    private static int u16(byte[] b, int at) {
        return (b[at] & 0xFF) << 8 | b[at + 1] & 0xFF;
    }

    private static long u32(byte[] b, int at) {
        return (b[at] & 0xFFL) << 24 | (b[at + 1] & 0xFFL) << 16 | (b[at + 2] & 0xFFL) << 8 | b[at + 3] & 0xFFL;
    }

    private static int u24le(byte[] b, int at) {
        return b[at] & 0xFF | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
