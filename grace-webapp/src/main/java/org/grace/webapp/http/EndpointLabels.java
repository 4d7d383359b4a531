package org.grace.webapp.http;

import jakarta.annotation.Priority;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;

/**
 * Labels every routed API request with its resource template ({@code /api/users/{id}}, never the concrete path), the
 * bounded {@code endpoint} label of the request metrics that {@link RequestFilter} records. Its filter runs first
 * among the request filters, so filters above it (CSRF, rate limits) and the metrics see the same label, even when a
 * filter refuses the request.
 *
 * <p>The label of each resource method is worked out once, when Jersey starts, and bound to that method with a
 * filter of its own: no per-request reflection and no per-request lookup of the injected {@code ResourceInfo}, which
 * Jersey resolves through its injection manager on every call (issue #15).
 */
@Provider
public class EndpointLabels implements DynamicFeature {
    /** The label of a request: set by this feature's filter once routed, else {@code /api/(unmatched)}. */
    public static String of(ContainerRequestContext context) {
        // Jersey keeps a servlet request's properties as its attributes: RequestFilter reads the same value.
        Object label = context.getProperty(RequestFilter.ENDPOINT_ATTRIBUTE);
        return label != null ? label.toString() : "/api/(unmatched)";
    }

    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        context.register(new Label(label(resource)));
    }

    static String label(ResourceInfo resource) {
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

    /** Puts one resource method's label on its requests. */
    @Priority(Priorities.AUTHENTICATION - 100)
    record Label(String label) implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext context) {
            context.setProperty(RequestFilter.ENDPOINT_ATTRIBUTE, label);
        }
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
