package org.grace.webapp.auth;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * A verified access token as the MicroProfile JWT API sees it: the container's caller principal, so resources read
 * {@code getName()}, {@code getGroups()}, {@code getSubject()} and claims as they would with MP-JWT.
 */
public final class GraceJsonWebToken implements JsonWebToken {
    private final String raw;
    private final JWTClaimsSet claims;

    GraceJsonWebToken(String raw, JWTClaimsSet claims) {
        this.raw = raw;
        this.claims = claims;
    }

    @Override
    public String getName() {
        Object upn = claims.getClaim(Claims.upn.name());
        return upn != null ? upn.toString() : claims.getSubject();
    }

    @Override
    public Set<String> getClaimNames() {
        Set<String> names = new HashSet<>(claims.getClaims().keySet());
        names.add(Claims.raw_token.name());
        return names;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String name) {
        if (Claims.raw_token.name().equals(name)) {
            return (T) raw;
        }
        Object value = claims.getClaim(name);
        if (value instanceof Date d) {
            return (T) Long.valueOf(d.getTime() / 1000); // MP-JWT: NumericDate claims are seconds as Long
        }
        if (Claims.groups.name().equals(name) || Claims.aud.name().equals(name)) {
            // MP-JWT hands out both as Set<String>; JSON may hold a list or (aud) a single string.
            Set<String> set = new LinkedHashSet<>();
            if (value instanceof List<?> list) {
                list.forEach(v -> set.add(String.valueOf(v)));
            } else if (value != null) {
                set.add(value.toString());
            }
            return (T) set;
        }
        return (T) value;
    }

    /** The user id ({@code sub}). */
    public long userId() {
        return Long.parseLong(claims.getSubject());
    }

    public long organizationId() {
        return ((Number) claims.getClaim(AccessTokens.ORGANIZATION_CLAIM)).longValue();
    }

    public String role() {
        return getGroups().iterator().next();
    }

    public String csrf() {
        return (String) claims.getClaim(AccessTokens.CSRF_CLAIM);
    }

    public java.time.Instant expiresAt() {
        return claims.getExpirationTime().toInstant();
    }

    @Override
    public String toString() {
        return "GraceJsonWebToken[sub=" + claims.getSubject() + ", jti=" + claims.getJWTID() + "]";
    }
}
