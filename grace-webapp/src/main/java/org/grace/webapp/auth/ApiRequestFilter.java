package org.grace.webapp.auth;

import jakarta.annotation.Priority;
import jakarta.annotation.security.DenyAll;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.container.DynamicFeature;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.FeatureContext;
import jakarta.ws.rs.ext.Provider;
import java.lang.reflect.Method;
import java.net.URI;
import java.util.Set;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.webapp.http.ApiErrorMapper;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.ClientAddress;
import org.grace.webapp.http.EndpointLabels;
import org.grace.webapp.ratelimit.RateLimits;

/**
 * What every API request goes through after routing and before the resource: the CSRF defence and the rate
 * limits. It needs the caller, so it sits here, above the HTTP infrastructure, which labels the endpoint first
 * ({@link EndpointLabels}).
 *
 * <p>CSRF: a state change (POST, PUT, PATCH, DELETE) from another origin ({@code Origin} not this host) is 403;
 * one authenticated by the cookie must carry {@code X-CSRF-Token} equal to the {@code csrf} claim of its access
 * token (a double-submit token that an attacker cannot read and that is bound, by the token's signature, to this
 * sign-in; see {@link Csrf}). Bearer requests carry no ambient credential and need neither. Sign-in and set-up act
 * with no credential and are exempt; refresh and logout check the cookie pair themselves.
 *
 * <p>A caller without a valid token on a method that needs roles gets its 401 here, before the rate limits, rather
 * than from the role check after them.
 *
 * <p>Rate limits: sign-in attempts per client address here (per account in the sign-in resource, which has read
 * the body), API calls per signed-in user; 429 with {@code Retry-After}, {@code RateLimit} and
 * {@code RateLimit-Policy}.
 */
@Provider
public class ApiRequestFilter implements DynamicFeature {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> NO_TOKEN_CSRF = Set.of("/api/auth/login", "/api/setup", "/api/auth/refresh",
            "/api/auth/logout");
    private static final String DECISION_PROPERTY = "grace.rateLimit";

    /** Only for the sign-in limit's client address: Jersey resolves this proxy on each call. */
    @Context
    HttpServletRequest request;
    @Inject
    RateLimits limits;
    @Inject
    ClientAddress clientAddress;

    /**
     * Binds the checks to each resource method when Jersey starts, with what the method's annotations say worked
     * out then: no per-request reflection, and no per-request lookup of an injected {@code ResourceInfo}.
     */
    @Override
    public void configure(ResourceInfo resource, FeatureContext context) {
        context.register(new Checks(needsCaller(resource.getResourceMethod(), resource.getResourceClass())));
    }

    /** The checks of one resource method. */
    @Priority(Priorities.AUTHENTICATION)
    final class Checks implements ContainerRequestFilter, ContainerResponseFilter {
        private final boolean needsCaller;

        Checks(boolean needsCaller) {
            this.needsCaller = needsCaller;
        }

        @Override
        public void filter(ContainerRequestContext context) {
            String endpoint = EndpointLabels.of(context);
            String method = context.getMethod();
            Object token = context.getProperty(AccessTokenFilter.TOKEN_ATTRIBUTE);

            if (!SAFE.contains(method)) {
                checkOrigin(context);
                if (Boolean.TRUE.equals(context.getProperty(AccessTokenFilter.VIA_COOKIE_ATTRIBUTE))
                        && !NO_TOKEN_CSRF.contains(endpoint)) {
                    Csrf.check(context.getHeaderString(Csrf.HEADER), ((GraceJsonWebToken) token).csrf());
                }
            }

            if (needsCaller && context.getSecurityContext().getUserPrincipal() == null) {
                // The 401 the role check would give (why the token was refused, or sign-in required), given here,
                // before the rate limits, which count signed-in callers only. Aborted rather than thrown: a refusal
                // must cost no more than a success (issue #15).
                context.abortWith(ApiErrorMapper.signInRequired(context));
                return;
            }

            RateLimitDecision decision = null;
            if ("/api/auth/login".equals(endpoint) && "POST".equals(method)) {
                decision = limits.loginFromAddress(clientAddress.of(request));
            } else if (token instanceof GraceJsonWebToken jwt) {
                decision = limits.apiCall(jwt.getSubject());
            }
            if (decision != null) {
                context.setProperty(DECISION_PROPERTY, decision);
                if (!decision.allowed()) {
                    context.abortWith(ApiErrorMapper.of(limits.tooManyRequests(decision), context));
                }
            }
        }

        @Override
        public void filter(ContainerRequestContext request, ContainerResponseContext response) {
            if (request.getProperty(DECISION_PROPERTY) instanceof RateLimitDecision d && d.allowed()) {
                response.getHeaders().putSingle("RateLimit", d.rateLimitHeader());
            }
        }
    }

    /** Whether a resource method is closed to a caller without a principal: roles required, or no one at all. */
    static boolean needsCaller(Method method, Class<?> type) {
        if (method == null) {
            return false;
        }
        if (method.isAnnotationPresent(RolesAllowed.class) || method.isAnnotationPresent(DenyAll.class)) {
            return true;
        }
        if (method.isAnnotationPresent(PermitAll.class)) {
            return false;
        }
        return type != null && (type.isAnnotationPresent(RolesAllowed.class) || type.isAnnotationPresent(DenyAll.class));
    }

    private static void checkOrigin(ContainerRequestContext context) {
        String origin = context.getHeaderString("Origin");
        if (origin == null || origin.isEmpty()) {
            return;
        }
        String host = context.getHeaderString("Host");
        try {
            URI o = URI.create(origin);
            String originHost = o.getHost() + (o.getPort() == -1 ? "" : ":" + o.getPort());
            if (host != null && (originHost.equalsIgnoreCase(host) || stripDefaultPort(originHost, o.getScheme())
                    .equalsIgnoreCase(stripDefaultPort(host, o.getScheme())))) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // fall through: an Origin that does not parse is not ours
        }
        throw new ApiException(403, "cross-origin state change refused");
    }

    private static String stripDefaultPort(String hostPort, String scheme) {
        String suffix = "https".equals(scheme) ? ":443" : ":80";
        return hostPort.endsWith(suffix) ? hostPort.substring(0, hostPort.length() - suffix.length()) : hostPort;
    }
}
