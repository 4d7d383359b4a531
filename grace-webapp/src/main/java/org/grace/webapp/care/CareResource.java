package org.grace.webapp.care;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.SecurityContext;

/**
 * What every care-area resource ({@code /api/residents}, {@code /api/incidents}, ...) needs of its request: the
 * signed-in caller, as the {@link CareScope} its queries are limited to. JAX-RS injects the request's context into
 * these fields of each resource instance (one per request).
 */
public abstract class CareResource {
    @Context
    protected SecurityContext security;
    @Context
    protected HttpServletRequest request;

    /** The caller's scope; 401 when the request is anonymous. */
    protected CareScope scope() {
        return CareScope.of(security, request);
    }
}
