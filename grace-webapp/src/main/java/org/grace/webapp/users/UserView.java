package org.grace.webapp.users;

/**
 * A user as clients see it; also the cached value of {@code /api/auth/me} (immutable, as the cache requires).
 * {@code deactivatedAt} is null for an active user (and in a profile cached before the field existed).
 */
public record UserView(long id, long organizationId, String organizationName, String email, String displayName,
                       String role, String deactivatedAt) {
}
