package org.grace.webapp.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.grace.webapp.http.ApiException;

/**
 * The CSRF defence of cookie-authenticated state changes, in one place: the browser echoes the value of the
 * {@code grace_csrf} cookie in {@code X-CSRF-Token}. The API filter compares it with the {@code csrf} claim of the
 * access token (bound to this sign-in by the token's signature); refresh and logout, which may arrive with only the
 * refresh cookie, compare it with the cookie itself (double submit). Either way a mismatch is the same 403.
 */
public final class Csrf {
    /** The cookie the page's script reads (not {@code HttpOnly}). */
    public static final String COOKIE = "grace_csrf";
    /** The header that carries the cookie's value back. */
    public static final String HEADER = "X-CSRF-Token";

    private Csrf() {
    }

    /** 403 unless {@code offered} equals {@code expected} (compared in constant time); either may be null. */
    public static void check(String offered, String expected) {
        if (offered == null || expected == null || !MessageDigest.isEqual(offered.getBytes(StandardCharsets.UTF_8),
                expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(403, "missing or wrong " + HEADER + " header (send the " + COOKIE
                    + " cookie's value)");
        }
    }
}
