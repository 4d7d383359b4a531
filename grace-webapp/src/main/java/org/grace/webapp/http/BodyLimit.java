package org.grace.webapp.http;

import jakarta.servlet.http.HttpServletRequest;
import java.util.OptionalLong;

/**
 * The hook through which a feature that takes large bodies (file uploads) raises the body limit for its own
 * requests. {@link RequestFilter} refuses bodies over {@code GRACE_HTTP_MAX_BODY_BYTES} (1 MB) everywhere else; for a
 * request that one of these CDI beans claims, the claimed limit applies instead, enforced the same way (413 by
 * {@code Content-Length} before reading, or counted while reading). The feature still checks its own, finer limits
 * (per file, per organisation) as it reads.
 */
public interface BodyLimit {
    /** The body limit in bytes for this request, or empty when the request is not this feature's. */
    OptionalLong limitFor(HttpServletRequest request);
}
