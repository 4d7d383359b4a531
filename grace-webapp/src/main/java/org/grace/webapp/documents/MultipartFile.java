package org.grace.webapp.documents;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.webapp.http.ApiException;

/**
 * The first file of a {@code multipart/form-data} body (RFC 7578), streamed: parts before it (form fields) are
 * skipped, the file's bytes are read up to the next boundary as they arrive, and whatever follows is not read. The
 * container's own multipart support would spool the whole body to disk first; this holds one buffer.
 *
 * <p>A body that ends inside the file (no closing boundary) fails the read of its last bytes with
 * {@link UploadRefused}, so a cut-off upload is never stored as if complete.
 */
final class MultipartFile {
    private static final Pattern BOUNDARY = Pattern.compile("boundary\\s*=\\s*(\"([^\"]+)\"|[^;\\s]+)",
            Pattern.CASE_INSENSITIVE);
    /** Headers of one part at most: a few lines of disposition and type. */
    static final int MAX_HEADERS = 16 * 1024;
    private static final int BUFFER = 64 * 1024;

    private final String fileName;
    private final InputStream content;

    private MultipartFile(String fileName, InputStream content) {
        this.fileName = fileName;
        this.content = content;
    }

    String fileName() {
        return fileName;
    }

    InputStream content() {
        return content;
    }

    /** Finds the first part with a file name in {@code body}; 400 when there is none or the body is malformed. */
    static MultipartFile first(InputStream body, String contentType) throws IOException {
        Matcher m = BOUNDARY.matcher(contentType);
        if (!m.find()) {
            throw new ApiException(400, "multipart/form-data without a boundary");
        }
        String boundary = m.group(2) != null ? m.group(2) : m.group(1);
        Scanner scanner = new Scanner(body, ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1));
        // The body starts with "--boundary" (the delimiter without its CRLF) after an optional preamble.
        scanner.prependCrlf();
        while (true) {
            if (!scanner.skipToDelimiter()) {
                throw new ApiException(400, "the multipart body has no file part");
            }
            String after = scanner.line(8);
            if (after.startsWith("--")) {
                throw new ApiException(400, "the multipart body has no file part");
            }
            String disposition = null;
            int headerBytes = 0;
            String line;
            while (!(line = scanner.line(MAX_HEADERS)).isEmpty()) {
                headerBytes += line.length() + 2;
                if (headerBytes > MAX_HEADERS) {
                    throw new ApiException(400, "the multipart part's headers are too long");
                }
                if (line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) {
                    disposition = line.substring(line.indexOf(':') + 1);
                }
            }
            String name = disposition == null ? null : UploadRequests.fileNameOf(disposition);
            if (name != null) {
                return new MultipartFile(new String(name.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8),
                        scanner.partStream());
            }
        }
    }

    /** Reads a multipart body: lines of headers, and bytes up to the next delimiter. */
    private static final class Scanner {
        private final InputStream in;
        private final byte[] delimiter;
        private final byte[] buf = new byte[BUFFER];
        private int start;
        private int end;
        private boolean eof;

        Scanner(InputStream in, byte[] delimiter) {
            this.in = in;
            this.delimiter = delimiter;
        }

        /** Lets a body that begins with the boundary match the delimiter, which starts with CRLF. */
        void prependCrlf() {
            buf[0] = '\r';
            buf[1] = '\n';
            end = 2;
        }

        /** Fills the buffer (moving what is left to its start); false when nothing more will come. */
        private boolean fill() throws IOException {
            if (eof) {
                return false;
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                return true;
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
                return false;
            }
            end += n;
            return true;
        }

        private int indexOfDelimiter() {
            outer:
            for (int i = start; i + delimiter.length <= end; i++) {
                for (int j = 0; j < delimiter.length; j++) {
                    if (buf[i + j] != delimiter[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            return -1;
        }

        /** Discards bytes up to and including the next delimiter; false if the body ends first. */
        boolean skipToDelimiter() throws IOException {
            while (true) {
                int at = indexOfDelimiter();
                if (at >= 0) {
                    start = at + delimiter.length;
                    return true;
                }
                start = Math.max(start, end - delimiter.length + 1);
                if (!fill() && indexOfDelimiter() < 0) {
                    return false;
                }
            }
        }

        /** The next line (without CRLF), ISO-8859-1, at most {@code max} bytes. */
        String line(int max) throws IOException {
            StringBuilder line = new StringBuilder();
            while (true) {
                for (int i = start; i + 1 < end; i++) {
                    if (buf[i] == '\r' && buf[i + 1] == '\n') {
                        line.append(new String(buf, start, i - start, StandardCharsets.ISO_8859_1));
                        start = i + 2;
                        return line.toString();
                    }
                }
                if (end - start > 1) {
                    line.append(new String(buf, start, end - start - 1, StandardCharsets.ISO_8859_1));
                    start = end - 1;
                }
                if (line.length() > max) {
                    throw new ApiException(400, "a multipart header line is too long");
                }
                if (!fill()) {
                    throw new ApiException(400, "the multipart body ended inside a header");
                }
            }
        }

        /** The bytes from here to the next delimiter, as a stream. */
        InputStream partStream() {
            return new BlockReadStream() {
                private boolean done;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (done) {
                        return -1;
                    }
                    while (true) {
                        int at = indexOfDelimiter();
                        int safe = at >= 0 ? at : end - delimiter.length + 1;
                        if (safe > start) {
                            int n = Math.min(len, safe - start);
                            System.arraycopy(buf, start, b, off, n);
                            start += n;
                            return n;
                        }
                        if (at == start) {
                            done = true;
                            return -1;
                        }
                        if (!fill()) {
                            throw new UploadRefused(400, "the multipart body ended inside the file; nothing was stored");
                        }
                    }
                }
            };
        }
    }
}
