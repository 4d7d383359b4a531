package org.grace.webapp.auth;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.ext.Provider;
import java.security.Principal;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.http.ApiErrorMapper;

/**
 * Grace's sign-in check for every API request, as the first JAX-RS filter. The access token comes from
 * {@code Authorization: Bearer} (API clients) or the {@code grace_access} cookie (the browser), is verified by
 * {@link AccessTokens} and checked against logout denials, and the caller becomes a {@link GraceJsonWebToken} with
 * the token's groups as roles in the request's JAX-RS {@link SecurityContext}, so resources use
 * {@code @RolesAllowed} (Jersey's role filter, see {@code GraceApplication}) and the MP-JWT API.
 *
 * <p>Why not a Jakarta Security {@code HttpAuthenticationMechanism}, as Grace had before: only {@code /api} needs a
 * caller, and the container's authentication (JASPIC through Soteria, with a JNDI lookup of the mechanism on each
 * call) took 10-16 % of a request's CPU in the profiles of issue #15 (results/efficiency.md).
 * Payara's MP-JWT does not read browser cookies (payara/Payara#6305), so its mechanism was never an option.
 *
 * <p>What it learns goes into the request's properties, which Jersey keeps as the servlet request's attributes, so
 * code outside JAX-RS reads them too; an injected {@code HttpServletRequest} would be a proxy resolved through
 * Jersey's injection manager on every call.
 *
 * <p>A missing or refused token leaves the request anonymous rather than failing it here: public endpoints
 * (sign-in, health) still work with a stale cookie, and protected ones answer 401 with the reason, which this
 * filter leaves in a request attribute. No session is ever created: the token is checked on every request.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
public class AccessTokenFilter implements ContainerRequestFilter {
    private static final Logger LOG = Logger.getLogger(AccessTokenFilter.class.getName());
    public static final String ACCESS_COOKIE = "grace_access";
    /** The verified token, for code that cannot reach the caller principal. */
    public static final String TOKEN_ATTRIBUTE = ApiErrorMapper.CALLER_ATTRIBUTE;
    /** Present when the token came from the cookie: state changes then need the CSRF header. */
    public static final String VIA_COOKIE_ATTRIBUTE = "grace.tokenViaCookie";
    /** Why a presented token was refused; the 401 message. */
    public static final String REJECTED_ATTRIBUTE = ApiErrorMapper.REFUSED_CREDENTIAL_ATTRIBUTE;

    @Inject
    AccessTokens tokens;
    @Inject
    RevokedTokens revoked;

    @Override
    public void filter(ContainerRequestContext context) {
        String token = null;
        boolean viaCookie = false;
        String authorization = context.getHeaderString("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).trim();
        } else {
            Cookie cookie = context.getCookies().get(ACCESS_COOKIE);
            if (cookie != null && !cookie.getValue().isEmpty()) {
                token = cookie.getValue();
                viaCookie = true;
            }
        }
        if (token == null) {
            return;
        }
        GraceJsonWebToken jwt;
        try {
            jwt = tokens.verify(token);
            if (revoked.isRevoked(jwt.getTokenID())) {
                throw new TokenRejectedException("token revoked by logout");
            }
        } catch (TokenRejectedException e) {
            context.setProperty(REJECTED_ATTRIBUTE, e.getMessage());
            return;
        } catch (DataAccessException e) {
            LOG.log(Level.WARNING, "grace: cannot check token denials: " + e.getMessage());
            // Not a refusal: the token may well be good. What needs a caller answers 503, not 401 (ApiErrorMapper).
            context.setProperty(ApiErrorMapper.UNCHECKED_CREDENTIAL_ATTRIBUTE,
                    "sign-in cannot be checked right now; try again shortly");
            return;
        }
        context.setProperty(TOKEN_ATTRIBUTE, jwt);
        if (viaCookie) {
            context.setProperty(VIA_COOKIE_ATTRIBUTE, Boolean.TRUE);
        }
        context.setSecurityContext(new SignedIn(jwt, context.getSecurityContext().isSecure()));
    }

    /** The caller of a request with a good token: its roles are the token's groups. */
    record SignedIn(GraceJsonWebToken caller, boolean secure) implements SecurityContext {
        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public boolean isUserInRole(String role) {
            return caller.getGroups().contains(role);
        }

        @Override
        public boolean isSecure() {
            return secure;
        }

        @Override
        public String getAuthenticationScheme() {
            return "Bearer";
        }
    }
}
