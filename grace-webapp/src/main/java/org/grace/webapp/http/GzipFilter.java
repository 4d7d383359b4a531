package org.grace.webapp.http;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.zip.GZIPOutputStream;
import org.grace.webapp.settings.GraceSettings;

/**
 * Compresses responses larger than {@code GRACE_HTTP_GZIP_MIN_BYTES} (1 KB) with gzip when the client accepts it.
 * The body is held back until it passes the threshold, so a small response goes out as it was, with its
 * {@code Content-Length}, and a large one is streamed compressed without a length. Only text-like types
 * (JSON, text, JavaScript, CSS, SVG) are compressed; images and fonts are compressed already.
 */
public class GzipFilter extends HttpFilter {
    @Inject
    GraceSettings settings;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String accept = request.getHeader("Accept-Encoding");
        if (accept == null || !accept.toLowerCase().contains("gzip") || "HEAD".equals(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        Compressing wrapper = new Compressing(response, settings.httpGzipMinBytes());
        try {
            chain.doFilter(request, wrapper);
        } finally {
            wrapper.finish();
        }
    }

    static boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.toLowerCase();
        return t.startsWith("text/") || t.contains("json") || t.contains("javascript") || t.contains("xml")
                || t.contains("svg");
    }

    private static final class Compressing extends HttpServletResponseWrapper {
        private final HttpServletResponse real;
        private final int threshold;
        private final ByteArrayOutputStream held = new ByteArrayOutputStream();
        private long declaredLength = -1;
        private OutputStreamOfDecision stream;
        private PrintWriter writer;
        /** null: undecided; true: gzip; false: passing through. */
        private Boolean compressing;

        Compressing(HttpServletResponse real, int threshold) {
            super(real);
            this.real = real;
            this.threshold = threshold;
        }

        @Override
        public void setContentLength(int len) {
            setContentLengthLong(len);
        }

        @Override
        public void setContentLengthLong(long len) {
            if (Boolean.FALSE.equals(compressing)) {
                real.setContentLengthLong(len);
            } else {
                declaredLength = len;
            }
        }

        @Override
        public void setHeader(String name, String value) {
            if ("Content-Length".equalsIgnoreCase(name)) {
                setContentLengthLong(value == null ? -1 : Long.parseLong(value.trim()));
            } else {
                super.setHeader(name, value);
            }
        }

        @Override
        public void addHeader(String name, String value) {
            if ("Content-Length".equalsIgnoreCase(name)) {
                setHeader(name, value);
            } else {
                super.addHeader(name, value);
            }
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            compressing = false;
            real.sendError(sc, msg);
        }

        @Override
        public void sendError(int sc) throws IOException {
            compressing = false;
            real.sendError(sc);
        }

        @Override
        public void sendRedirect(String location) throws IOException {
            compressing = false;
            real.sendRedirect(location);
        }

        @Override
        public ServletOutputStream getOutputStream() throws IOException {
            if (writer != null) {
                throw new IllegalStateException("getWriter() was called already");
            }
            if (stream == null) {
                stream = new OutputStreamOfDecision();
            }
            return stream;
        }

        @Override
        public PrintWriter getWriter() throws IOException {
            if (writer == null) {
                if (stream != null) {
                    throw new IllegalStateException("getOutputStream() was called already");
                }
                stream = new OutputStreamOfDecision();
                String encoding = getCharacterEncoding();
                writer = new PrintWriter(new OutputStreamWriter(stream,
                        Charset.forName(encoding == null ? "UTF-8" : encoding)));
            }
            return writer;
        }

        @Override
        public void flushBuffer() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (compressing != null) {
                stream.flush();
                real.flushBuffer();
            }
        }

        @Override
        public void resetBuffer() {
            if (compressing == null) {
                held.reset();
            }
            super.resetBuffer();
        }

        @Override
        public void reset() {
            if (compressing == null) {
                held.reset();
                declaredLength = -1;
            }
            super.reset();
        }

        void finish() throws IOException {
            if (writer != null) {
                writer.flush();
            }
            if (stream != null) {
                stream.finish();
            } else if (compressing == null && declaredLength >= 0) {
                real.setContentLengthLong(declaredLength);
            }
        }

        /** Holds bytes until the threshold decides between gzip and pass-through. */
        private final class OutputStreamOfDecision extends ServletOutputStream {
            private java.io.OutputStream target;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (target == null) {
                    if (Boolean.FALSE.equals(compressing)) {
                        target = real.getOutputStream();
                    } else {
                        held.write(b, off, len);
                        if (held.size() > threshold) {
                            decide(true);
                        }
                        return;
                    }
                }
                target.write(b, off, len);
            }

            private void decide(boolean large) throws IOException {
                String encoding = real.getHeader("Content-Encoding");
                boolean gzip = large && encoding == null && compressible(real.getContentType())
                        && real.getStatus() != 204 && real.getStatus() != 304;
                if (compressible(real.getContentType())) {
                    real.addHeader("Vary", "Accept-Encoding");
                }
                compressing = gzip;
                if (gzip) {
                    real.setHeader("Content-Encoding", "gzip");
                    target = new GZIPOutputStream(real.getOutputStream(), 8192);
                } else {
                    if (!large || declaredLength >= 0) {
                        real.setContentLengthLong(large ? declaredLength : held.size());
                    }
                    target = real.getOutputStream();
                }
                held.writeTo(target);
                held.reset();
            }

            @Override
            public void flush() throws IOException {
                if (target != null) {
                    target.flush();
                }
            }

            void finish() throws IOException {
                if (target == null) {
                    if (Boolean.FALSE.equals(compressing)) {
                        return;
                    }
                    decide(false);
                }
                if (target instanceof GZIPOutputStream gzip) {
                    gzip.finish();
                }
                target.flush();
            }

            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener listener) {
                throw new UnsupportedOperationException("Grace does not use non-blocking output");
            }
        }
    }
}
