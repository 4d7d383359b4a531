package org.grace.webapp.http;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Caching of the staff web page's files. A file under {@code /static/} whose name carries a content hash
 * ({@code grace.3fa2b1c9.js}) never changes, so browsers and CDNs keep it for a year without asking again
 * ({@code public, max-age=31536000, immutable}); a new version has a new name. Everything else (the page itself,
 * files without a hash) must be revalidated ({@code no-cache}), so a deployment shows up at the next load.
 */
public class StaticFilesFilter extends HttpFilter {
    /** A dot, at least 8 hex digits, a dot and an extension, at the end of the name. */
    static final Pattern HASHED = Pattern.compile("^/static/(?:[^/]+/)*[^/]+\\.[0-9a-f]{8,64}\\.[A-Za-z0-9]+$");
    public static final String IMMUTABLE = "public, max-age=31536000, immutable";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        if (uri.startsWith("/static/")) {
            response.setHeader("Cache-Control", HASHED.matcher(uri).matches() ? IMMUTABLE : "no-cache");
        } else if (uri.equals("/") || uri.equals("/index.html")) {
            response.setHeader("Cache-Control", "no-cache");
            // The staff page runs only its own script and talks only to its own origin.
            response.setHeader("Content-Security-Policy", "default-src 'self'; frame-ancestors 'none'");
            response.setHeader("X-Content-Type-Options", "nosniff");
        }
        chain.doFilter(request, response);
    }
}
