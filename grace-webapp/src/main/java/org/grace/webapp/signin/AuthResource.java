package org.grace.webapp.signin;

import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.grace.core.ratelimit.RateLimitDecision;
import org.grace.webapp.auth.AccessTokens;
import org.grace.webapp.auth.Caller;
import org.grace.webapp.auth.Csrf;
import org.grace.webapp.auth.AccessTokenFilter;
import org.grace.webapp.auth.GraceJsonWebToken;
import org.grace.webapp.auth.RevokedTokens;
import org.grace.webapp.auth.Roles;
import org.grace.webapp.http.ApiErrors;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.Fields;
import org.grace.webapp.http.JsonBodies;
import org.grace.webapp.http.RequestFilter;
import org.grace.webapp.metrics.GraceMetrics;
import org.grace.webapp.ratelimit.RateLimits;
import org.grace.webapp.users.PasswordHasher;
import org.grace.webapp.users.Profiles;
import org.grace.webapp.users.User;
import org.grace.webapp.users.UserDirectory;
import org.grace.webapp.users.UserView;

/**
 * Sign-in. Browsers get cookies (see {@link AuthCookies}); API clients that sign in with {@code "client": "api"}
 * get the tokens in the body instead and send {@code Authorization: Bearer}, refreshing with the refresh token in
 * the body.
 */
@Path("/auth")
@ApplicationScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    UserDirectory users;
    @Inject
    PasswordHasher passwords;
    @Inject
    AccessTokens accessTokens;
    @Inject
    RefreshTokens refreshTokens;
    @Inject
    RevokedTokens revoked;
    @Inject
    AuthCookies cookies;
    @Inject
    RateLimits limits;
    @Inject
    Profiles profiles;
    @Inject
    GraceMetrics metrics;
    @Context
    HttpServletRequest request;
    @Context
    SecurityContext security;

    public record LoginRequest(String email, String password, String client) {
    }

    public record RefreshRequest(String refreshToken) {
    }

    public record ProfileChange(String displayName) {
    }

    @POST
    @Path("/login")
    @PermitAll
    @Consumes(MediaType.APPLICATION_JSON)
    public Response login(LoginRequest body) {
        new Fields().email("email", body.email()).password("password", body.password(), 1).check();
        RateLimitDecision perAccount = limits.loginForAccount(body.email());
        if (!perAccount.allowed()) {
            metrics.login("rate-limited");
            throw limits.tooManyRequests(perAccount);
        }
        metrics.passwordCheck();
        Optional<User> user = users.byEmail(body.email());
        boolean ok;
        if (user.isPresent()) {
            ok = passwords.verify(body.password(), user.get().passwordHash());
        } else {
            passwords.verifyDummy(body.password());
            ok = false;
        }
        if (!ok) {
            metrics.login("failed");
            throw new ApiException(401, "wrong e-mail address or password");
        }
        if (!user.get().active()) {
            // Said only to someone who knows the password, so it tells a guesser nothing.
            metrics.login("failed");
            throw new ApiException(403, "this account has been deactivated; ask your administrator");
        }
        metrics.login("succeeded");
        return signedIn(user.get().view(), "api".equals(body.client()), 200);
    }

    @POST
    @Path("/refresh")
    @PermitAll
    public Response refresh(byte[] rawBody) {
        String fromCookie = cookie(AuthCookies.REFRESH_COOKIE);
        String token;
        boolean api;
        if (fromCookie != null) {
            checkCookieCsrf();
            token = fromCookie;
            api = false;
        } else {
            token = rawBody == null || rawBody.length == 0 ? null : JsonBodies.read(rawBody, RefreshRequest.class)
                    .refreshToken();
            api = true;
        }
        Optional<RefreshTokens.Rotation> rotation = refreshTokens.rotate(token);
        Optional<UserView> user = rotation.flatMap(r -> users.byId(r.userId()).filter(User::active).map(User::view));
        if (user.isEmpty()) {
            Response.ResponseBuilder refused = Response.status(401).type(MediaType.APPLICATION_JSON)
                    .entity(ApiErrors.body(401, "refresh token invalid, expired or reused; "
                            + "sign in again", RequestFilter.requestId(request), Map.of()));
            if (!api) {
                cookies.cleared().forEach(c -> refused.header("Set-Cookie", c));
            }
            return refused.build();
        }
        return respond(user.get(), accessTokens.issue(user.get().id(), user.get().email(),
                user.get().organizationId(), user.get().role()), rotation.get().next(), api, 200);
    }

    @POST
    @Path("/logout")
    @PermitAll
    public Response logout(byte[] rawBody) {
        String fromCookie = cookie(AuthCookies.REFRESH_COOKIE);
        boolean viaCookie = fromCookie != null
                || Boolean.TRUE.equals(request.getAttribute(AccessTokenFilter.VIA_COOKIE_ATTRIBUTE));
        if (viaCookie) {
            checkCookieCsrf();
        }
        if (fromCookie != null) {
            refreshTokens.revoke(fromCookie);
        } else if (rawBody != null && rawBody.length > 0) {
            refreshTokens.revoke(JsonBodies.read(rawBody, RefreshRequest.class).refreshToken());
        }
        Object token = request.getAttribute(AccessTokenFilter.TOKEN_ATTRIBUTE);
        if (token instanceof GraceJsonWebToken jwt) {
            revoked.revoke(jwt.getTokenID(), jwt.expiresAt());
        }
        Response.ResponseBuilder done = Response.noContent();
        cookies.cleared().forEach(c -> done.header("Set-Cookie", c));
        return done.build();
    }

    @GET
    @Path("/me")
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public UserView me() {
        GraceJsonWebToken caller = Caller.of(security, request);
        UserView user = profiles.of(caller.userId())
                .orElseThrow(() -> new ApiException(401, "the signed-in user no longer exists"));
        if (user.deactivatedAt() != null) {
            throw new ApiException(401, "this account has been deactivated");
        }
        return user;
    }

    @PATCH
    @Path("/me")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ORGANIZATION_ADMIN, Roles.FACILITY_DIRECTOR, Roles.CARE_MANAGER, Roles.CARE_STAFF,
            Roles.FAMILY})
    public UserView changeMe(ProfileChange change) {
        new Fields().text("displayName", change.displayName(), true, 200).check();
        GraceJsonWebToken caller = Caller.of(security, request);
        users.update(caller.organizationId(), caller.userId(), change.displayName().trim(), null);
        profiles.changed(caller.userId());
        return profiles.of(caller.userId()).orElseThrow(() -> new ApiException(404, "no such user"));
    }

    /** Issues a new sign-in for {@code user} (also used by set-up). */
    Response signedIn(UserView user, boolean api, int status) {
        AccessTokens.Issued access = accessTokens.issue(user.id(), user.email(), user.organizationId(), user.role());
        return respond(user, access, refreshTokens.start(user.id()), api, status);
    }

    private Response respond(UserView user, AccessTokens.Issued access, RefreshTokens.Issued refresh, boolean api,
                             int status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("user", user);
        body.put("accessTokenExpiresAt", access.expiresAt().toString());
        body.put("csrfToken", access.csrf());
        Response.ResponseBuilder response = Response.status(status).type(MediaType.APPLICATION_JSON)
                .header("Cache-Control", "no-store");
        if (api) {
            body.put("accessToken", access.token());
            body.put("refreshToken", refresh.token());
            body.put("refreshTokenExpiresAt", refresh.expiresAt().toString());
        } else {
            List<String> set = cookies.signedIn(access, refresh);
            set.forEach(c -> response.header("Set-Cookie", c));
        }
        return response.entity(body).build();
    }

    /** Refresh and logout by cookie: {@code X-CSRF-Token} must equal the {@code grace_csrf} cookie (double submit). */
    private void checkCookieCsrf() {
        Csrf.check(request.getHeader(Csrf.HEADER), cookie(Csrf.COOKIE));
    }

    private String cookie(String name) {
        if (request.getCookies() == null) {
            return null;
        }
        for (Cookie c : request.getCookies()) {
            if (name.equals(c.getName()) && !c.getValue().isEmpty()) {
                return c.getValue();
            }
        }
        return null;
    }
}
