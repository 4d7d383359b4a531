package org.grace.webapp.http;

import jakarta.annotation.Priority;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

/**
 * Labels every routed API request with its resource template ({@code /api/users/{id}}, never the concrete path), the
 * bounded {@code endpoint} label of the request metrics that {@link RequestFilter} records. Runs first among the
 * request filters, so filters above it (CSRF, rate limits) and the metrics see the same label, even when a filter
 * refuses the request.
 */
@Provider
@Priority(Priorities.AUTHENTICATION - 100)
public class EndpointLabels implements ContainerRequestFilter {
    @Context
    HttpServletRequest request;
    @Context
    ResourceInfo resource;

    /** The label of this request: set by this filter once routed, else {@code /api/(unmatched)}. */
    public static String of(HttpServletRequest request) {
        Object label = request.getAttribute(RequestFilter.ENDPOINT_ATTRIBUTE);
        return label != null ? label.toString() : "/api/(unmatched)";
    }

    @Override
    public void filter(ContainerRequestContext context) {
        request.setAttribute(RequestFilter.ENDPOINT_ATTRIBUTE, label());
    }

    private String label() {
        if (resource == null || resource.getResourceClass() == null) {
            return "/api/(unmatched)";
        }
        Path type = resource.getResourceClass().getAnnotation(Path.class);
        Path method = resource.getResourceMethod() == null ? null : resource.getResourceMethod().getAnnotation(Path.class);
        StringBuilder sb = new StringBuilder("/api");
        append(sb, type);
        append(sb, method);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Path path) {
        if (path == null) {
            return;
        }
        String p = path.value();
        if (!p.startsWith("/")) {
            sb.append('/');
        }
        sb.append(p.endsWith("/") ? p.substring(0, p.length() - 1) : p);
    }
}
