package org.grace.webapp.auth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.HashSet;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.grace.webapp.database.DataAccessException;
import org.grace.webapp.http.ApiErrorMapper;

/**
 * Grace's sign-in check for every API request, as a Jakarta Security mechanism because Payara's MP-JWT does not
 * read browser cookies (payara/Payara#6305) and a servlet filter runs too late to set the caller. The access token
 * comes from {@code Authorization: Bearer} (API clients) or the {@code grace_access} cookie (the browser), is
 * verified by {@link AccessTokens} and checked against logout denials, and the caller becomes a
 * {@link GraceJsonWebToken} with the token's groups as roles, so resources use {@code @RolesAllowed} and the
 * MP-JWT API.
 *
 * <p>A missing or refused token leaves the request anonymous rather than failing it here: public endpoints
 * (sign-in, health) still work with a stale cookie, and protected ones answer 401 with the reason, which this
 * mechanism leaves in a request attribute. No session is ever created: the token is checked on every request.
 */
@ApplicationScoped
public class GraceAuthenticationMechanism implements HttpAuthenticationMechanism {
    private static final Logger LOG = Logger.getLogger(GraceAuthenticationMechanism.class.getName());
    public static final String ACCESS_COOKIE = "grace_access";
    /** The verified token, for code that cannot reach the caller principal. */
    public static final String TOKEN_ATTRIBUTE = "grace.token";
    /** Present when the token came from the cookie: state changes then need the CSRF header. */
    public static final String VIA_COOKIE_ATTRIBUTE = "grace.tokenViaCookie";
    /** Why a presented token was refused; the 401 message. */
    public static final String REJECTED_ATTRIBUTE = ApiErrorMapper.REFUSED_CREDENTIAL_ATTRIBUTE;

    @Inject
    AccessTokens tokens;
    @Inject
    RevokedTokens revoked;

    @Override
    public AuthenticationStatus validateRequest(HttpServletRequest request, HttpServletResponse response,
                                                HttpMessageContext context) {
        if (!request.getRequestURI().startsWith("/api/")) {
            return context.doNothing(); // static files and the page need no caller
        }
        String token = null;
        boolean viaCookie = false;
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = authorization.substring(7).trim();
        } else if (request.getCookies() != null) {
            for (Cookie c : request.getCookies()) {
                if (ACCESS_COOKIE.equals(c.getName()) && !c.getValue().isEmpty()) {
                    token = c.getValue();
                    viaCookie = true;
                }
            }
        }
        if (token == null) {
            return context.doNothing();
        }
        GraceJsonWebToken jwt;
        try {
            jwt = tokens.verify(token);
            if (revoked.isRevoked(jwt.getTokenID())) {
                throw new TokenRejectedException("token revoked by logout");
            }
        } catch (TokenRejectedException e) {
            request.setAttribute(REJECTED_ATTRIBUTE, e.getMessage());
            return context.doNothing();
        } catch (DataAccessException e) {
            LOG.log(Level.WARNING, "grace: cannot check token denials: " + e.getMessage());
            // Not a refusal: the token may well be good. What needs a caller answers 503, not 401 (ApiErrorMapper).
            request.setAttribute(ApiErrorMapper.UNCHECKED_CREDENTIAL_ATTRIBUTE,
                    "sign-in cannot be checked right now; try again shortly");
            return context.doNothing();
        }
        request.setAttribute(TOKEN_ATTRIBUTE, jwt);
        if (viaCookie) {
            request.setAttribute(VIA_COOKIE_ATTRIBUTE, Boolean.TRUE);
        }
        return context.notifyContainerAboutLogin(jwt, new HashSet<>(jwt.getGroups()));
    }
}
