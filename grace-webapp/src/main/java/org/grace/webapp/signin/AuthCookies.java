package org.grace.webapp.signin;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.grace.webapp.auth.AccessTokens;
import org.grace.webapp.auth.Csrf;
import org.grace.webapp.auth.AccessTokenFilter;
import org.grace.webapp.settings.GraceSettings;

/**
 * The three cookies of a browser sign-in, all {@code SameSite=Strict} and {@code Secure} (unless switched off for
 * plain-HTTP development):
 * <ul>
 *   <li>{@code grace_access}: the access token, {@code HttpOnly}, {@code Path=/};</li>
 *   <li>{@code grace_refresh}: the refresh token, {@code HttpOnly}, sent only to {@code /api/auth};</li>
 *   <li>{@code grace_csrf}: the CSRF token bound to the access token (its {@code csrf} claim), readable by the
 *       page's script, which echoes it in {@code X-CSRF-Token} on every state change.</li>
 * </ul>
 */
@ApplicationScoped
public class AuthCookies {
    public static final String REFRESH_COOKIE = "grace_refresh";

    @Inject
    GraceSettings settings;

    public List<String> signedIn(AccessTokens.Issued access, RefreshTokens.Issued refresh) {
        long accessSeconds = Math.max(1, Duration.between(Instant.now(), access.expiresAt()).toSeconds());
        long refreshSeconds = Math.max(1, Duration.between(Instant.now(), refresh.expiresAt()).toSeconds());
        return List.of(
                cookie(AccessTokenFilter.ACCESS_COOKIE, access.token(), "/", accessSeconds, true),
                cookie(REFRESH_COOKIE, refresh.token(), "/api/auth", refreshSeconds, true),
                cookie(Csrf.COOKIE, access.csrf(), "/", refreshSeconds, false));
    }

    public List<String> cleared() {
        return List.of(
                cookie(AccessTokenFilter.ACCESS_COOKIE, "", "/", 0, true),
                cookie(REFRESH_COOKIE, "", "/api/auth", 0, true),
                cookie(Csrf.COOKIE, "", "/", 0, false));
    }

    private String cookie(String name, String value, String path, long maxAge, boolean httpOnly) {
        StringBuilder sb = new StringBuilder(name).append('=').append(value)
                .append("; Path=").append(path)
                .append("; Max-Age=").append(maxAge);
        if (maxAge == 0) {
            sb.append("; Expires=Thu, 01 Jan 1970 00:00:00 GMT");
        }
        if (httpOnly) {
            sb.append("; HttpOnly");
        }
        if (settings.authCookieSecure()) {
            sb.append("; Secure");
        }
        return sb.append("; SameSite=Strict").toString();
    }
}
