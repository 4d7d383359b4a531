package org.grace.webapp.auth;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.SecurityContext;
import org.grace.webapp.http.ApiException;

/** The signed-in caller of a request, as the verified token says. */
public final class Caller {
    private Caller() {
    }

    /** The caller's token; 401 when the request is anonymous (resources with @RolesAllowed never see that). */
    public static GraceJsonWebToken of(SecurityContext security, HttpServletRequest request) {
        if (security != null && security.getUserPrincipal() instanceof GraceJsonWebToken jwt) {
            return jwt;
        }
        // Without the JAX-RS SecurityContext (code that only has the servlet request): AccessTokenFilter left the
        // token on the request as well.
        Object token = request.getAttribute(AccessTokenFilter.TOKEN_ATTRIBUTE);
        if (token instanceof GraceJsonWebToken jwt) {
            return jwt;
        }
        throw new ApiException(401, "sign-in required");
    }
}
