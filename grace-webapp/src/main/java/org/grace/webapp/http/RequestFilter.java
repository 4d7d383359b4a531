package org.grace.webapp.http;

import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.settings.GraceSettings;

/**
 * The outermost filter of every request: gives it a request id ({@code X-Request-Id} from the client or the load
 * balancer when it looks like one, else a new UUID), returned in the same header and written in the log line of
 * a 4xx or 5xx (at most {@link LogBudget#DEFAULT_LINES_PER_SECOND} a second of each, the rest counted); refuses
 * bodies over the limit (413, by {@code Content-Length} up front and by counting bytes for chunked bodies; a feature
 * may claim its own requests with a larger limit through {@link BodyLimit}); answers TRACE with a 405; records the request in the metrics; and makes sure no code path can create an
 * {@code HttpSession}: Grace is stateless and never sets {@code JSESSIONID}.
 */
public class RequestFilter extends HttpFilter {
    private static final Logger LOG = Logger.getLogger(RequestFilter.class.getName());
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    static final String REQUEST_ID_ATTRIBUTE = "grace.requestId";
    /** Set by the JAX-RS layer: the matched resource template, the metrics' {@code endpoint} label. */
    public static final String ENDPOINT_ATTRIBUTE = "grace.endpoint";
    private static final Pattern ACCEPTABLE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Inject
    GraceSettings settings;
    @Inject
    GraceMetrics metrics;
    @Inject
    Instance<BodyLimit> featureLimits;
    /** Read once when the filter starts (settings do not change while an instance runs), not on every request. */
    private List<BodyLimit> claims;
    private long defaultBodyLimit;
    private final LogBudget clientErrorLines = new LogBudget(LogBudget.DEFAULT_LINES_PER_SECOND, System::nanoTime);
    private final LogBudget serverErrorLines = new LogBudget(LogBudget.DEFAULT_LINES_PER_SECOND, System::nanoTime);

    @Override
    public void init() {
        claims = featureLimits.stream().toList();
        defaultBodyLimit = settings.httpMaxBodyBytes();
    }

    public static String requestId(HttpServletRequest request) {
        Object id = request == null ? null : request.getAttribute(REQUEST_ID_ATTRIBUTE);
        return id == null ? null : id.toString();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String offered = request.getHeader(REQUEST_ID_HEADER);
        String requestId = offered != null && ACCEPTABLE_ID.matcher(offered).matches()
                ? offered : UUID.randomUUID().toString();
        request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
        response.setHeader(REQUEST_ID_HEADER, requestId);
        // The HTTP listener compresses answers for clients that accept gzip but does not say that the answer varies.
        response.addHeader("Vary", "Accept-Encoding");
        try {
            if ("TRACE".equals(request.getMethod())) {
                // Never echoed (it would show cookies to a script that can send TRACE); the listener lets it through
                // only so that the answer is JSON like every other error.
                response.setHeader("Allow", "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
                ApiErrors.write(response, 405, "TRACE is not allowed", requestId);
                return;
            }
            long limit = bodyLimit(request);
            long declared = request.getContentLengthLong();
            if (declared > limit) {
                // A client that does not wait for "100 Continue" is still sending: read and drop a body of a few
                // times the limit so it gets to read the 413; a bigger one gets the 413 and a closed connection.
                if (declared <= 4L * limit) {
                    drain(request);
                } else {
                    response.setHeader("Connection", "close");
                }
                ApiErrors.write(response, 413, "request body is larger than " + limit + " bytes", requestId);
                return;
            }
            chain.doFilter(new Stateless(request, limit), response);
        } finally {
            int status = response.getStatus();
            long nanos = System.nanoTime() - start;
            Object endpoint = request.getAttribute(ENDPOINT_ATTRIBUTE);
            metrics.request(endpoint != null ? endpoint.toString() : fallbackEndpoint(request), request.getMethod(),
                    status, nanos);
            if (status >= 400) {
                logError(request, requestId, status, nanos);
            }
        }
    }

    /** The line of a 4xx or 5xx answer, within the budget of its kind; says how many of that kind it follows unsaid. */
    private void logError(HttpServletRequest request, String requestId, int status, long nanos) {
        boolean server = status >= 500;
        long unsaid = (server ? serverErrorLines : clientErrorLines).take();
        if (unsaid < 0) {
            return;
        }
        LOG.log(server ? Level.WARNING : Level.INFO, () -> "grace: requestId=" + requestId + " " + request.getMethod()
                + " " + request.getRequestURI() + " -> " + status + " (" + nanos / 1_000_000 + " ms)"
                + (unsaid > 0 ? "; " + unsaid + " more " + (server ? "5xx" : "4xx") + " answers before this one not"
                + " logged (over " + LogBudget.DEFAULT_LINES_PER_SECOND + " lines a second)" : ""));
    }

    /** {@code GRACE_HTTP_MAX_BODY_BYTES}, unless a feature claims the request with a limit of its own. */
    private long bodyLimit(HttpServletRequest request) {
        for (BodyLimit feature : claims) {
            OptionalLong claimed = feature.limitFor(request);
            if (claimed.isPresent()) {
                return claimed.getAsLong();
            }
        }
        return defaultBodyLimit;
    }

    private static void drain(HttpServletRequest request) {
        byte[] buffer = new byte[16 * 1024];
        try (var in = request.getInputStream()) {
            while (in.read(buffer) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // the client gave up: nothing to answer
        }
    }

    /** Bounded label values for requests that no JAX-RS resource matched. */
    private static String fallbackEndpoint(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (uri.startsWith("/static/")) {
            return "/static/*";
        }
        if (uri.equals("/") || uri.equals("/index.html")) {
            return "/";
        }
        if (uri.startsWith("/api/")) {
            return "/api/(unmatched)";
        }
        if (uri.startsWith("/metrics") || uri.startsWith("/health")) {
            return uri.startsWith("/metrics") ? "/metrics" : "/health";
        }
        return "(other)";
    }

    /** A body larger than the limit, found while reading it. */
    public static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(long limit) {
            super("request body is larger than " + limit + " bytes");
        }
    }

    /** The request without sessions and with a byte-counting body. */
    private static final class Stateless extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream counted;

        Stateless(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public HttpSession getSession() {
            throw new IllegalStateException("Grace is stateless: no HttpSession");
        }

        @Override
        public HttpSession getSession(boolean create) {
            if (create) {
                throw new IllegalStateException("Grace is stateless: no HttpSession");
            }
            return null;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (counted == null) {
                counted = new Counting(super.getInputStream(), limit);
            }
            return counted;
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) throws IOException {
            read += n;
            if (read > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
